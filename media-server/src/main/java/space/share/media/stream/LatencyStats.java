package space.share.media.stream;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import space.share.media.metrics.LatencyHistogram;

/**
 * Server-added latency: from an RTMP message's arrival to its fragment being handed to every subscriber. Recording is
 * wait-free (HdrHistogram's {@link Recorder} for the benchmark's intervals, the {@code /metrics} histogram's
 * buckets), so the ingest path never contends with a reader.
 */
public final class LatencyStats {
  private final Recorder recorder = new Recorder(/* numberOfSignificantValueDigits= */ 3);
  private final LatencyHistogram histogram;

  /** Recorded for the benchmark only. */
  public LatencyStats() {
    this(null);
  }

  /** @param histogram the exported histogram, also fed; null for none */
  public LatencyStats(LatencyHistogram histogram) {
    this.histogram = histogram;
  }

  void record(long latencyNanos) {
    recorder.recordValue(Math.max(0, latencyNanos));
    if (histogram != null) {
      histogram.recordNanos(latencyNanos);
    }
  }

  /** Everything recorded since the previous call, in nanoseconds. */
  public Histogram takeIntervalHistogram() {
    return recorder.getIntervalHistogram();
  }
}
