package space.share.media.stream;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Server-added latency: from an RTMP message's arrival to its fragment being handed to every subscriber. Recording is
 * wait-free (HdrHistogram's {@link Recorder}), so the ingest path never contends with a reader.
 */
public final class LatencyStats {
  private final Recorder recorder = new Recorder(/* numberOfSignificantValueDigits= */ 3);

  void record(long latencyNanos) {
    recorder.recordValue(Math.max(0, latencyNanos));
  }

  /** Everything recorded since the previous call, in nanoseconds. */
  public Histogram takeIntervalHistogram() {
    return recorder.getIntervalHistogram();
  }
}
