package space.share.media.testing;

import java.util.function.BooleanSupplier;
import space.share.media.stream.StreamRegistry;

/** Bounded waits on a condition, polled: for state with nothing to be notified by. */
public final class Await {
  private static final long POLL_MS = 20;

  private Await() {}

  /** Polls {@code condition} until it holds; fails naming {@code what} after {@code timeoutMs}. */
  public static void until(BooleanSupplier condition, long timeoutMs, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(what + " (not within " + timeoutMs + " ms)");
      }
      Thread.sleep(POLL_MS);
    }
  }

  /** Waits (30 s at most: ffmpeg starts slowly on a loaded machine) until a publisher is live on {@code streamId}. */
  public static void live(StreamRegistry streams, String streamId) throws InterruptedException {
    until(() -> streams.stream(streamId).isLive(), 30_000, "stream " + streamId + " did not go live");
  }
}
