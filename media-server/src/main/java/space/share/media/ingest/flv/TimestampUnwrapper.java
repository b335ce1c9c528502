package space.share.media.ingest.flv;

import java.util.EnumMap;
import java.util.Map;
import space.share.media.samples.Track;

/**
 * Turns RTMP's 32-bit millisecond timestamps into a monotonic decode timeline per track: the one place where the
 * publisher's clock is interpreted. Everything downstream ({@code tfdt}, LL-HLS part and segment times) trusts
 * that, per track, a sample never starts before the previous one.
 *
 * <p>Each track follows its own steps, taken modulo 2^32 as signed numbers, so a wrap at 2^32 (every ~49.7 days)
 * is just a small step forward. Anything else is handled so the timeline never goes back:
 * <ul>
 *   <li>a step back of at most {@link #MAX_JITTER_MS}: the sample is held at the previous time (out-of-order
 *       jitter; the track's mapping is kept, so it resumes exact timing once the clock passes that point);
 *   <li>a larger step back (the publisher restarted its clock, or ffmpeg's FLV muxer wrapping at 2^31 because it
 *       writes 31-bit timestamps) or a step forward of more than {@link #MAX_STEP_MS} (a clock jump): a
 *       <em>discontinuity</em>. The track adopts the other track's mapping when that continues it (the other
 *       track already jumped the same way, or it kept running across a legitimate gap in this one), which keeps
 *       audio and video in sync; otherwise it continues one step (its last sample interval) after its last sample.
 * </ul>
 * A track's first sample adopts the other track's mapping, so both tracks share one clock as RTMP intends.
 *
 * <p>Not thread-safe: one per stream, fed by its publisher's connection.
 */
public final class TimestampUnwrapper {
  /**
   * The largest step forward taken at face value. A video frame interval at 1 fps is 1000 ms; a gap of seconds in
   * one track while the other keeps running is followed through the other track's mapping. Larger jumps would put
   * seconds of empty timeline into an LL-HLS part (whose target is 200 ms) and stall players.
   */
  static final long MAX_STEP_MS = 5_000;
  /** A step back up to this is reordering jitter, held rather than treated as a new clock. */
  static final long MAX_JITTER_MS = 100;

  private static final long RANGE = 1L << 32;

  /** Told about each discontinuity, for one log line. */
  public interface DiscontinuityListener {
    /**
     * @param rawMs the publisher's timestamp that broke the timeline
     * @param previousRawMs the one before it on the same track
     * @param continuedAtMs where the timeline continues instead
     */
    void onDiscontinuity(Track track, long rawMs, long previousRawMs, long continuedAtMs);
  }

  private static final class TrackClock {
    boolean started;
    long lastRawMs;
    long lastMs;
    /** timeline time = raw time + offset, for this track's current mapping. */
    long offsetMs;
    long lastStepMs;
  }

  private final Map<Track, TrackClock> clocks = new EnumMap<>(Track.class);
  private final DiscontinuityListener listener;

  public TimestampUnwrapper() {
    this((track, rawMs, previousRawMs, continuedAtMs) -> { });
  }

  public TimestampUnwrapper(DiscontinuityListener listener) {
    this.listener = listener;
    for (Track track : Track.values()) {
      clocks.put(track, new TrackClock());
    }
  }

  /**
   * @param rawMs the RTMP timestamp of a sample on {@code track}, read as an unsigned 32-bit value
   * @return the sample's decode time on the track's monotonic timeline, never negative and never below the
   *     previous value returned for this track
   */
  public long unwrap(Track track, long rawMs) {
    long raw = rawMs & 0xFFFF_FFFFL;
    TrackClock clock = clocks.get(track);
    TrackClock other = clocks.get(track == Track.VIDEO ? Track.AUDIO : Track.VIDEO);
    if (!clock.started) {
      clock.started = true;
      clock.offsetMs = other.started ? nearestEpoch(raw, other.offsetMs, other.lastMs) : 0;
      return advance(clock, raw, Math.max(0, raw + clock.offsetMs));
    }
    long step = (int) (raw - clock.lastRawMs); // signed, modulo 2^32
    if (step >= 0 && step <= MAX_STEP_MS) {
      if (step > 0) {
        clock.lastStepMs = step;
      }
      long out = clock.lastMs + step;
      clock.offsetMs = out - raw; // moves on by 2^32 when the raw clock wrapped
      return advance(clock, raw, out);
    }
    if (step < 0 && -step <= MAX_JITTER_MS) {
      return clock.lastMs; // hold, and keep measuring steps from the later time: the mapping stays
    }
    // A discontinuity: first try the other track's mapping, which keeps the two tracks in sync.
    if (other.started) {
      long offset = nearestEpoch(raw, other.offsetMs, other.lastMs);
      long candidate = raw + offset;
      if (candidate > clock.lastMs && candidate <= Math.max(clock.lastMs, other.lastMs) + MAX_STEP_MS) {
        if (offset != clock.offsetMs) {
          listener.onDiscontinuity(track, raw, clock.lastRawMs, candidate);
        }
        clock.offsetMs = offset;
        return advance(clock, raw, candidate);
      }
    }
    long out = clock.lastMs + Math.max(1, clock.lastStepMs);
    listener.onDiscontinuity(track, raw, clock.lastRawMs, out);
    clock.offsetMs = out - raw;
    return advance(clock, raw, out);
  }

  private static long advance(TrackClock clock, long raw, long out) {
    clock.lastRawMs = raw;
    clock.lastMs = out;
    return out;
  }

  /** The other track's offset, give or take whole 2^32 wraps, that puts {@code raw} nearest its last time. */
  private static long nearestEpoch(long raw, long offsetMs, long otherLastMs) {
    long best = offsetMs;
    for (long candidate : new long[] {offsetMs - RANGE, offsetMs + RANGE}) {
      if (Math.abs(raw + candidate - otherLastMs) < Math.abs(raw + best - otherLastMs)) {
        best = candidate;
      }
    }
    return best;
  }
}
