package space.share.room.token;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cap on passcode checks running at once. bcrypt takes ~0.2 s of one core at cost 12: without a cap, a burst of
 * joins (from as many addresses as the join throttle lets through) would take every CPU and every Jetty thread. At
 * most {@code permits} checks run; up to {@code maxWaiting} more wait, first come first served, at most
 * {@code maxWaitMs} for a slot; anything beyond is refused at once (the caller answers 503 with Retry-After), so
 * nothing queues without bound. Thread-safe.
 */
public final class VerificationSlots {
  private final Semaphore slots;
  private final int permits;
  private final int maxWaiting;
  private final long maxWaitMs;
  private final AtomicInteger waiting = new AtomicInteger();

  public VerificationSlots(int permits, int maxWaiting, long maxWaitMs) {
    if (permits < 1 || maxWaiting < 0 || maxWaitMs < 0) {
      throw new IllegalArgumentException("verification slots: permits >= 1, maxWaiting >= 0, maxWaitMs >= 0");
    }
    this.slots = new Semaphore(permits, /* fair= */ true);
    this.permits = permits;
    this.maxWaiting = maxWaiting;
    this.maxWaitMs = maxWaitMs;
  }

  /** The default size: two checks per core, as many waiting again, for at most a second. */
  public static VerificationSlots forCores(int cores) {
    int permits = Math.max(2, 2 * cores);
    return new VerificationSlots(permits, permits, 1000);
  }

  /** Takes a slot (then call {@link #release()}), waiting a bounded time; false when none came. */
  public boolean tryAcquire() {
    if (slots.tryAcquire()) {
      return true;
    }
    if (waiting.incrementAndGet() > maxWaiting) {
      waiting.decrementAndGet();
      return false;
    }
    try {
      return slots.tryAcquire(maxWaitMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      waiting.decrementAndGet();
    }
  }

  public void release() {
    slots.release();
  }

  public int permits() {
    return permits;
  }

  /** Checks running now. */
  public int inUse() {
    return permits - slots.availablePermits();
  }
}
