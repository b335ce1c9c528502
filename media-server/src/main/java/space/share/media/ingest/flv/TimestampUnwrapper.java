package space.share.media.ingest.flv;

/**
 * Turns RTMP's 32-bit millisecond timestamps into a monotonic {@code long}: the one place where wrap-around
 * (every ~49.7 days) is handled. A step backwards of more than half the range is a wrap; a smaller one is the
 * publisher's jitter and is passed through.
 */
public final class TimestampUnwrapper {
  private static final long RANGE = 1L << 32;
  private long epochMs = 0;
  private long lastRawMs = -1;

  /** @param rawMs the RTMP timestamp, read as an unsigned 32-bit value */
  public long unwrap(long rawMs) {
    long raw = rawMs & 0xFFFF_FFFFL;
    if (lastRawMs >= 0) {
      if (raw < lastRawMs && lastRawMs - raw > RANGE / 2) {
        epochMs += RANGE;
      } else if (raw > lastRawMs && raw - lastRawMs > RANGE / 2 && epochMs >= RANGE) {
        // A late packet from before the wrap.
        return epochMs - RANGE + raw;
      }
    }
    lastRawMs = raw;
    return epochMs + raw;
  }
}
