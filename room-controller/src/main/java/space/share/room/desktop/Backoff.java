package space.share.room.desktop;

/**
 * Restart delays of a supervised process: {@code initialMs}, doubled after each failure up to {@code maxMs};
 * back to {@code initialMs} when the process had stayed up at least {@code resetAfterMs}. The same policy as
 * room.sh applies to its components (1, 2, 4, 8, 16, 30, 30... s, reset after 30 s up).
 *
 * <p>Not thread-safe: owned by one supervisor thread.
 */
public final class Backoff {
  private final long initialMs;
  private final long maxMs;
  private final long resetAfterMs;
  private long nextMs;

  public Backoff(long initialMs, long maxMs, long resetAfterMs) {
    if (initialMs <= 0 || maxMs < initialMs || resetAfterMs <= 0) {
      throw new IllegalArgumentException("backoff needs 0 < initialMs <= maxMs and resetAfterMs > 0");
    }
    this.initialMs = initialMs;
    this.maxMs = maxMs;
    this.resetAfterMs = resetAfterMs;
    this.nextMs = initialMs;
  }

  /** The delay before the next start, given how long the process that just exited had been up. */
  public long delayAfterExitMs(long upMs) {
    if (upMs >= resetAfterMs) {
      nextMs = initialMs;
    }
    long delay = nextMs;
    nextMs = Math.min(maxMs, nextMs * 2);
    return delay;
  }
}
