package space.share.media.feed;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts viewers' sends off the ingest thread with one thread hand-off per burst rather than one per viewer and
 * fragment: a fragment fanned out to 500 viewers queues 500 starts, and a lane's runner, woken once, runs them in a
 * row (each a non-blocking write). Waking a pool thread per start cost more CPU than the writes (profiled at 500
 * viewers: unpark and the executor's queue, ~1/6 of the server's samples). A few lanes, so starts use every core.
 *
 * <p>Thread-safe. A start must not block; one that throws is logged and the others still run.
 */
final class SendStarts implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SendStarts.class);

  private final Lane[] lanes;

  /** @param threads runs the lanes' runners; at most {@code laneCount} of its threads are busy with them */
  SendStarts(Executor threads, int laneCount) {
    lanes = new Lane[laneCount];
    for (int i = 0; i < laneCount; i++) {
      lanes[i] = new Lane(threads);
    }
  }

  @Override
  public void execute(Runnable start) {
    lanes[ThreadLocalRandom.current().nextInt(lanes.length)].add(start);
  }

  private static final class Lane {
    private final Executor threads;
    private final ConcurrentLinkedQueue<Runnable> ready = new ConcurrentLinkedQueue<>();
    /** Starts added and not yet run: the runner runs while this is above 0; the add that lifts it from 0 wakes one. */
    private final AtomicInteger pending = new AtomicInteger();

    Lane(Executor threads) {
      this.threads = threads;
    }

    void add(Runnable start) {
      ready.add(start);
      if (pending.getAndIncrement() == 0) {
        threads.execute(this::runReady);
      }
    }

    private void runReady() {
      do {
        Runnable start = ready.poll(); // never null: each pending count follows its add
        try {
          start.run();
        } catch (RuntimeException e) {
          log.warn("starting a feed send failed", e);
        }
      } while (pending.decrementAndGet() > 0);
    }
  }
}
