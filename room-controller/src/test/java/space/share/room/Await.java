package space.share.room;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Bounded waits on a condition, polled every few milliseconds: what tests use instead of sleeping. */
public final class Await {
  private static final long POLL_NANOS = 10_000_000;

  private Await() {}

  /** Returns once {@code condition} holds; fails with {@code what} when it still does not after {@code timeout}. */
  public static void until(BooleanSupplier condition, Duration timeout, String what) {
    long deadlineNanos = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadlineNanos >= 0) {
        throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }
}
