package space.share.media.hls;

/**
 * How the LL-HLS packager cuts and lists a stream. Immutable.
 *
 * @param partTargetUs EXT-X-PART-INF PART-TARGET: no part is longer (see {@link HlsPackager} for the cut rule)
 * @param targetDurationS EXT-X-TARGETDURATION: segments are cut on keyframes, and forced at this length if the
 *     publisher sends none
 * @param windowUs how much media the playlist lists (complete segments); older ones drop out
 * @param retainedSegments segments kept fetchable after they left the playlist (clients with an older copy)
 */
public record HlsSettings(long partTargetUs, int targetDurationS, long windowUs, int retainedSegments) {
  /** Parts are listed for segments ending within this many target durations of the live edge (RFC 8216bis 6.2.2). */
  static final int PART_LISTING_TARGET_DURATIONS = 3;

  public HlsSettings {
    if (partTargetUs < 50_000 || partTargetUs > 2_000_000) {
      throw new IllegalArgumentException("part target must be 50-2000 ms, got " + partTargetUs / 1000 + " ms");
    }
    if (targetDurationS < 1 || targetDurationS * 1_000_000L < 2 * partTargetUs) {
      throw new IllegalArgumentException("target duration " + targetDurationS + " s is too short for the parts");
    }
  }

  /** Defaults for a part target: 2 s target duration, a 24 s window (twice CAN-SKIP-UNTIL), 4 spare segments. */
  public static HlsSettings withPartTargetMs(int partTargetMs) {
    return new HlsSettings(partTargetMs * 1_000L, 2, 24_000_000L, 4);
  }

  long targetDurationUs() {
    return targetDurationS * 1_000_000L;
  }

  /** PART-HOLD-BACK: three part targets (the minimum; the spec asks for at least two). */
  long partHoldBackUs() {
    return 3 * partTargetUs;
  }

  /** HOLD-BACK for clients that ignore parts: three target durations, the spec's minimum. */
  long holdBackUs() {
    return 3 * targetDurationUs();
  }

  /** CAN-SKIP-UNTIL: six target durations, the spec's minimum. */
  long canSkipUntilUs() {
    return 6 * targetDurationUs();
  }

  /** How long a blocking playlist request may wait: three target durations (RFC 8216bis 6.2.5.2). */
  long blockingTimeoutMs() {
    return 3 * targetDurationUs() / 1000;
  }

  /**
   * The Advance Part Limit of RFC 8216bis 6.2.5.2: how far past the last part a blocking request may ask before
   * it is refused (three part targets' worth of parts when the target is under a second, else three).
   */
  int advancePartLimit() {
    return partTargetUs < 1_000_000 ? (int) Math.ceil(3_000_000.0 / partTargetUs) : 3;
  }
}
