/**
 * What the media server counts, and the one place its metric names are written (docs/metrics.md lists them as
 * Prometheus exports them). {@link space.share.media.metrics.MediaMetrics} owns the Micrometer registry; the stages
 * that count ({@code stream}, {@code feed}, {@code hls}, {@code ingest.rtmp}) hold its counters and call them, and
 * {@code http} serves its text on the admin port. Imports nothing of the module: every package may use it.
 *
 * <p>On the media path a frame costs counter increments only (a {@code DoubleAdder} or an {@code AtomicLongArray}
 * slot): no lock, no allocation. Per-stream series exist only while a stream is live, and a stream is live only for
 * a publisher that presented a valid key, so no unauthenticated input ever names a series.
 */
package space.share.media.metrics;
