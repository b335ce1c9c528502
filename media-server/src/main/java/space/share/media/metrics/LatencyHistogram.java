package space.share.media.metrics;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram with fixed buckets whose {@link #recordNanos} is wait-free and allocation-free: a scan of a
 * dozen bounds, one {@link AtomicLongArray} increment and one {@link LongAdder} add. Micrometer's timers lock while
 * rotating their windows and the Prometheus client's histograms lock while a scrape runs; this one never does, so
 * it can sit on the ingest path. A scrape reads the buckets without stopping writers (each bucket is exact; the
 * set of them may be a few observations apart, as with any concurrent Prometheus histogram).
 */
public final class LatencyHistogram implements Collector {
  private final String name;
  private final String help;
  private final long[] upperBoundsNanos;
  private final double[] upperBoundsSeconds;
  /** One slot per bound plus +Inf; not cumulative. */
  private final AtomicLongArray counts;
  private final LongAdder sumNanos = new LongAdder();

  /** @param upperBoundsSeconds increasing bucket bounds; +Inf is added */
  LatencyHistogram(String name, String help, double... upperBoundsSeconds) {
    this.name = name;
    this.help = help;
    this.upperBoundsSeconds = new double[upperBoundsSeconds.length + 1];
    this.upperBoundsNanos = new long[upperBoundsSeconds.length];
    for (int i = 0; i < upperBoundsSeconds.length; i++) {
      if (i > 0 && upperBoundsSeconds[i] <= upperBoundsSeconds[i - 1]) {
        throw new IllegalArgumentException("bucket bounds must increase");
      }
      this.upperBoundsSeconds[i] = upperBoundsSeconds[i];
      this.upperBoundsNanos[i] = Math.round(upperBoundsSeconds[i] * 1e9);
    }
    this.upperBoundsSeconds[upperBoundsSeconds.length] = Double.POSITIVE_INFINITY;
    this.counts = new AtomicLongArray(upperBoundsSeconds.length + 1);
  }

  /** Counts one observation; a negative one (a clock oddity) counts as zero. Any thread. */
  public void recordNanos(long nanos) {
    long value = Math.max(0, nanos);
    int bucket = 0;
    while (bucket < upperBoundsNanos.length && value > upperBoundsNanos[bucket]) {
      bucket++;
    }
    counts.incrementAndGet(bucket);
    sumNanos.add(value);
  }

  /** Observations so far. */
  public long count() {
    long total = 0;
    for (int i = 0; i < counts.length(); i++) {
      total += counts.get(i);
    }
    return total;
  }

  @Override
  public MetricSnapshot collect() {
    long[] snapshot = new long[counts.length()];
    for (int i = 0; i < snapshot.length; i++) {
      snapshot[i] = counts.get(i);
    }
    return HistogramSnapshot.builder()
        .name(name)
        .help(help)
        .unit(Unit.SECONDS)
        .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
            .classicHistogramBuckets(ClassicHistogramBuckets.of(upperBoundsSeconds, snapshot))
            .sum(sumNanos.sum() / 1e9)
            .build())
        .build();
  }

  @Override
  public String getPrometheusName() {
    return name;
  }
}
