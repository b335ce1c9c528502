package space.share.room.mediaclient;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.room.members.Revocation;
import space.share.room.rooms.RoomEvent;
import space.share.room.rooms.RoomListener;

/**
 * Tells one media server which member media tokens to refuse before their expiry (docs/protocol.md "Revoking media
 * tokens"): a member's when their session ends ({@link RoomEvent.MemberLeft}), everyone's in a room when it is
 * deleted ({@link RoomEvent.RoomDeleted}). A session that simply expires needs nothing: its media tokens never
 * outlive it.
 *
 * <p>Calls never block the API: events only queue work here. Each revocation is tried up to
 * {@code maxAttempts} times with doubling delays from {@code firstRetryMs}; a final failure is logged at error.
 *
 * <p>The media server keeps revocations in memory. Every {@code checkIntervalMs} this asks for its boot id; when the
 * id differs from the last one seen (it restarted, or this controller just started) or the media server answers
 * again after being unreachable, every revocation still relevant is sent again, read from the database by
 * {@code stillRelevant} (sessions ended and rooms deleted within one media token lifetime). That also repairs
 * revocations whose retries ran out during an outage.
 *
 * <p>Threading: {@link #onEvent} is called from any thread (under a room's lock) and only schedules; everything
 * else runs on the single-threaded scheduler handed in (a daemon thread in production, a fake a test advances), which
 * owns {@code lastBootId} and {@code reachable}. {@link #close()} shuts that scheduler down.
 */
public final class MediaRevocations implements RoomListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MediaRevocations.class);

  private final MediaRevocationClient client;
  private final Supplier<List<Revocation>> stillRelevant;
  private final Clock clock;
  private final long tokenTtlSeconds;
  private final long checkIntervalMs;
  private final long firstRetryMs;
  private final int maxAttempts;
  private final ScheduledExecutorService executor;
  private String lastBootId;
  private boolean reachable = true;

  /**
   * @param stillRelevant the revocations whose tokens may still be valid, from the database (called on the thread)
   * @param tokenTtlSeconds {@code room.media.token-ttl-seconds}: how long a revocation made now must be kept
   * @param executor single-threaded: runs the checks and every attempt; owned from here on (closed by {@link #close()})
   */
  public MediaRevocations(MediaRevocationClient client, Supplier<List<Revocation>> stillRelevant, Clock clock,
      long tokenTtlSeconds, long checkIntervalMs, long firstRetryMs, int maxAttempts, ScheduledExecutorService executor) {
    this.executor = Objects.requireNonNull(executor);
    this.client = Objects.requireNonNull(client);
    this.stillRelevant = stillRelevant;
    this.clock = clock;
    this.tokenTtlSeconds = tokenTtlSeconds;
    this.checkIntervalMs = checkIntervalMs;
    this.firstRetryMs = firstRetryMs;
    this.maxAttempts = maxAttempts;
  }

  public void start() {
    executor.scheduleWithFixedDelay(this::checkSafely, 0, checkIntervalMs, TimeUnit.MILLISECONDS);
  }

  @Override
  public void onEvent(String roomId, RoomEvent event) {
    // Any token issued up to now expires at most one token lifetime from now.
    long untilEpochSeconds = clock.millis() / 1000 + tokenTtlSeconds;
    if (event instanceof RoomEvent.MemberLeft left) {
      submit(new Revocation(roomId, left.memberId(), untilEpochSeconds));
    } else if (event instanceof RoomEvent.RoomDeleted) {
      submit(new Revocation(roomId, null, untilEpochSeconds));
    }
  }

  /** Sends {@code revocation} soon, off the caller's thread, retrying on failure. */
  public void submit(Revocation revocation) {
    schedule(() -> attempt(revocation, 1), 0);
  }

  private void attempt(Revocation revocation, int attempt) {
    if (revocation.untilEpochSeconds() <= clock.millis() / 1000) {
      return; // every token it names has expired meanwhile
    }
    try {
      client.revoke(revocation);
      LOG.info("{} revoked the media tokens of {} in room {}", client, who(revocation), revocation.roomId());
    } catch (IOException e) {
      if (attempt >= maxAttempts) {
        LOG.error("revoking the media tokens of {} in room {} at {} failed {} times, last: {}; sent again when it is"
            + " back", who(revocation), revocation.roomId(), client, attempt, e.toString());
        return;
      }
      long delayMs = firstRetryMs << (attempt - 1);
      LOG.warn("revoking the media tokens of {} in room {} at {} failed (attempt {}/{}): {}; retry in {} ms",
          who(revocation), revocation.roomId(), client, attempt, maxAttempts, e.toString(), delayMs);
      schedule(() -> attempt(revocation, attempt + 1), delayMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One boot id check (also called directly by tests, on any thread: it runs on this object's thread). */
  void check() {
    String bootId;
    try {
      bootId = client.bootId();
    } catch (IOException e) {
      if (reachable) {
        LOG.warn("{} unreachable for revocations: {}", client, e.toString());
      }
      reachable = false;
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (bootId.equals(lastBootId) && reachable) {
      return;
    }
    List<Revocation> relevant = stillRelevant.get();
    LOG.info("{} {} (boot id {}): sending {} still relevant revocation(s)", client,
        lastBootId == null ? "first seen" : bootId.equals(lastBootId) ? "reachable again" : "restarted", bootId,
        relevant.size());
    lastBootId = bootId;
    reachable = true;
    relevant.forEach(this::submit);
  }

  private void checkSafely() {
    try {
      check();
    } catch (RuntimeException e) {
      LOG.error("revocation check failed", e);
    }
  }

  private void schedule(Runnable task, long delayMs) {
    try {
      executor.schedule(task, delayMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("revocation dropped at shutdown");
    }
  }

  private static String who(Revocation revocation) {
    return revocation.memberId() == null ? "every member" : "member " + revocation.memberId();
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
