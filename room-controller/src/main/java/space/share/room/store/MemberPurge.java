package space.share.room.store;

import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes member sessions that ended (left or expired) more than {@code retainMs} ago, every {@code intervalMs}, so
 * the members table holds about one retention period of joins instead of every join ever. The retention is at least
 * one media token lifetime: the revocations re-sent to a restarted media server are read from recently ended sessions.
 * Each run deletes at most {@value #MAX_ROWS_PER_BATCH} rows per batch and at most {@value #MAX_BATCHES} batches, so a
 * big backlog never holds the database long; what is left goes on the next run.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} once. {@link #purgeOnce()} runs on the caller's thread (tests).
 */
public final class MemberPurge implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MemberPurge.class);
  static final int MAX_ROWS_PER_BATCH = 1000;
  static final int MAX_BATCHES = 20;

  private final RoomStore store;
  private final Clock clock;
  private final long retainMs;
  private final long intervalMs;
  private ScheduledExecutorService scheduler;

  public MemberPurge(RoomStore store, Clock clock, long retainMs, long intervalMs) {
    if (retainMs < 0 || intervalMs < 1) {
      throw new IllegalArgumentException("member purge: retainMs >= 0 and intervalMs >= 1");
    }
    this.store = store;
    this.clock = clock;
    this.retainMs = retainMs;
    this.intervalMs = intervalMs;
  }

  /** Purges every {@code intervalMs} on {@code scheduler} (single-threaded; owned from here on, shut down by close). */
  public void start(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
    scheduler.scheduleWithFixedDelay(this::purgeQuietly, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
  }

  /** Deletes what ended before now minus the retention; returns how many rows went. */
  public int purgeOnce() {
    long endedBeforeMs = clock.millis() - retainMs;
    int total = 0;
    for (int batch = 0; batch < MAX_BATCHES; batch++) {
      int deleted = store.purgeEndedMembers(endedBeforeMs, MAX_ROWS_PER_BATCH);
      total += deleted;
      if (deleted < MAX_ROWS_PER_BATCH) {
        break;
      }
    }
    if (total > 0) {
      LOG.info("purged {} member session(s) that ended more than {} s ago", total, retainMs / 1000);
    }
    return total;
  }

  private void purgeQuietly() {
    try {
      purgeOnce();
    } catch (RuntimeException e) {
      LOG.warn("member purge failed (tried again in {} ms): {}", intervalMs, e.toString());
    }
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}
