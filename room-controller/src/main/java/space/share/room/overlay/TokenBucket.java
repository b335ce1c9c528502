package space.share.room.overlay;

/**
 * A token bucket: {@code ratePerSecond} sustained, {@code burst} at once. Time is passed in (a monotonic
 * millisecond clock), so tests drive it by hand. Not thread-safe: the owner serializes calls.
 */
public final class TokenBucket {
  private final double ratePerMs;
  private final double burst;
  private double tokens;
  private long lastMs;
  private boolean started;

  public TokenBucket(double ratePerSecond, int burst) {
    this.ratePerMs = ratePerSecond / 1000.0;
    this.burst = burst;
    this.tokens = burst;
  }

  /** Takes one token if there is one. */
  public boolean tryTake(long nowMs) {
    if (!started) {
      started = true;
      lastMs = nowMs;
    } else if (nowMs > lastMs) {
      tokens = Math.min(burst, tokens + (nowMs - lastMs) * ratePerMs);
      lastMs = nowMs;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
