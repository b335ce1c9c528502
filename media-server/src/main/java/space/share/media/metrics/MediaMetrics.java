package space.share.media.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The media server's meters and their names, on one Prometheus registry ({@link #scrape()}). Micrometer writes a
 * dotted name in snake case, adds {@code _total} to counters and the base unit to the name
 * ({@code share.space.media.sent} in bytes → {@code share_space_media_sent_bytes_total}); docs/metrics.md lists the
 * exported names.
 *
 * <p>Thread-safe. Counters are looked up once (at construction, or when a stream goes live), so counting is an
 * increment on a held reference.
 */
public final class MediaMetrics implements AutoCloseable {
  static final String STREAMS_LIVE = "share.space.media.streams.live";
  static final String VIEWERS = "share.space.media.viewers";
  static final String INGEST = "share.space.media.ingest";
  static final String INGEST_FRAMES = "share.space.media.ingest.frames";
  static final String SENT = "share.space.media.sent";
  static final String VIEWERS_CLOSED = "share.space.media.feed.viewers.closed";
  static final String SERVER_LATENCY = "share_space_media_server_latency_seconds";
  static final String HLS_REQUESTS = "share.space.media.hls.requests";
  static final String HLS_WAITS = "share.space.media.hls.blocking.waits";
  static final String HLS_WAITS_TIMED_OUT = "share.space.media.hls.blocking.waits.timed.out";
  static final String HLS_WAITS_IN_FLIGHT = "share.space.media.hls.blocking.waits.in.flight";
  static final String RTMP_CONNECTIONS = "share.space.media.rtmp.connections";
  static final String RTMP_REFUSED = "share.space.media.rtmp.refused";

  static final String STREAM = "stream";
  static final String TRACK = "track";
  static final String OUTPUT = "output";
  static final String REASON = "reason";
  static final String KIND = "kind";

  /** Server-added latency buckets: a healthy server hands a frame on well under a millisecond after it arrives. */
  private static final double[] LATENCY_BOUNDS_SECONDS =
      {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1};

  /** Why the server closed a feed viewer. */
  public enum ViewerClose { TOO_SLOW, REVOKED, EXPIRED }

  /** What an LL-HLS request asked for. */
  public enum HlsRequest { MULTIVARIANT, MEDIA, INIT, SEGMENT, PART }

  /** Why the RTMP guard turned a connection away. */
  public enum RtmpRefusal {
    /** {@code media.rtmp.max-connections} open already. */
    MAX_CONNECTIONS,
    /** {@code media.rtmp.max-connections-per-address} open from that address already. */
    MAX_PER_ADDRESS,
    /** No handshake and connect within {@code media.rtmp.connect-timeout-ms}. */
    CONNECT_TIMEOUT,
    /** A broken protocol rule or an RTMP limit (chunk, message, chunk streams, AMF). */
    PROTOCOL,
    /** A publish with a key that opens no stream. */
    UNKNOWN_KEY
  }

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger streamsLive = new AtomicInteger();
  private final Counter feedBytes;
  private final Counter hlsBytes;
  private final Counter[] viewersClosed;
  private final Counter[] hlsRequests;
  private final Counter hlsWaits;
  private final Counter hlsWaitsTimedOut;
  private final Counter[] rtmpRefused;
  private final LatencyHistogram serverLatency = new LatencyHistogram(SERVER_LATENCY,
      "Server-added latency: an RTMP message's arrival to its fragment handed to every viewer of the stream",
      LATENCY_BOUNDS_SECONDS);
  private JvmGcMetrics gc;

  public MediaMetrics() {
    Gauge.builder(STREAMS_LIVE, streamsLive, AtomicInteger::get)
        .description("Streams with a publisher now").register(registry);
    feedBytes = sent("feed");
    hlsBytes = sent("hls");
    viewersClosed = counters(VIEWERS_CLOSED, "Feed viewers the server closed, by reason", ViewerClose.values());
    hlsRequests = counters(HLS_REQUESTS, "LL-HLS requests that passed the access check, by what they asked for",
        HlsRequest.values());
    hlsWaits = Counter.builder(HLS_WAITS).description("LL-HLS requests that had to wait (blocking reload, future part)")
        .register(registry);
    hlsWaitsTimedOut = Counter.builder(HLS_WAITS_TIMED_OUT)
        .description("Waiting LL-HLS requests answered by the timeout").register(registry);
    rtmpRefused = counters(RTMP_REFUSED, "RTMP connections or publishes the guard refused, by reason",
        RtmpRefusal.values());
    registry.getPrometheusRegistry().register(serverLatency);
  }

  private Counter sent(String output) {
    return Counter.builder(SENT).baseUnit("bytes").tag(OUTPUT, output)
        .description("Media bytes sent to viewers: feed on completion of the WebSocket write, hls as handed to Jetty")
        .register(registry);
  }

  private Counter[] counters(String name, String description, Enum<?>[] reasons) {
    Counter[] byOrdinal = new Counter[reasons.length];
    for (Enum<?> reason : reasons) {
      byOrdinal[reason.ordinal()] = Counter.builder(name).description(description)
          .tag(reason instanceof HlsRequest ? KIND : REASON, label(reason)).register(registry);
    }
    return byOrdinal;
  }

  static String label(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  /** Adds the JVM's memory, GC, thread and CPU meters (the process entry point does; tests need not). */
  public MediaMetrics withJvmMeters() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
    return this;
  }

  /**
   * A stream went live: registers its series (tag {@code stream}) until {@link StreamMeters#close()}. Call it only
   * for a stream a publisher opened with a valid key: that is what bounds the series.
   *
   * @param viewers the stream's feed viewers now, read at scrape time
   */
  public StreamMeters streamLive(String streamId, IntSupplier viewers) {
    streamsLive.incrementAndGet();
    Gauge viewerGauge = Gauge.builder(VIEWERS, () -> viewers.getAsInt()).tag(STREAM, streamId)
        .description("WebSocket feed viewers of a live stream").register(registry);
    Counter bytes = Counter.builder(INGEST).baseUnit("bytes").tag(STREAM, streamId)
        .description("Coded media bytes received from a stream's publisher (rate x 8: ingest bitrate)")
        .register(registry);
    Counter video = Counter.builder(INGEST_FRAMES).tag(STREAM, streamId).tag(TRACK, "video")
        .description("Frames received from a stream's publisher (rate: frame rate)").register(registry);
    Counter audio = Counter.builder(INGEST_FRAMES).tag(STREAM, streamId).tag(TRACK, "audio")
        .description("Frames received from a stream's publisher (rate: frame rate)").register(registry);
    return new StreamMeters(bytes, video, audio, () -> {
      for (Meter meter : List.of(viewerGauge, bytes, video, audio)) {
        registry.remove(meter);
      }
      streamsLive.decrementAndGet();
    });
  }

  /** Server-added latency, recorded by the stream that hands fragments on. */
  public LatencyHistogram serverLatency() {
    return serverLatency;
  }

  public void feedBytesSent(long bytes) {
    feedBytes.increment(bytes);
  }

  public void hlsBytesSent(long bytes) {
    hlsBytes.increment(bytes);
  }

  public void viewerClosed(ViewerClose reason) {
    viewersClosed[reason.ordinal()].increment();
  }

  public void hlsRequest(HlsRequest kind) {
    hlsRequests[kind.ordinal()].increment();
  }

  public void hlsWaitStarted() {
    hlsWaits.increment();
  }

  public void hlsWaitTimedOut() {
    hlsWaitsTimedOut.increment();
  }

  public void rtmpRefused(RtmpRefusal reason) {
    rtmpRefused[reason.ordinal()].increment();
  }

  /** LL-HLS requests parked now, read at scrape time. */
  public void hlsWaitsInFlight(IntSupplier parked) {
    Gauge.builder(HLS_WAITS_IN_FLIGHT, () -> parked.getAsInt())
        .description("LL-HLS requests waiting now").register(registry);
  }

  /** RTMP connections open now, read at scrape time. */
  public void rtmpConnections(IntSupplier open) {
    Gauge.builder(RTMP_CONNECTIONS, () -> open.getAsInt())
        .description("RTMP connections open now (publishers and connections not yet refused)").register(registry);
  }

  /** Every meter in the Prometheus text format 0.0.4. */
  public String scrape() {
    return registry.scrape();
  }

  /** For tests: the registry to read meters from. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    if (gc != null) {
      gc.close();
    }
    registry.close();
  }
}
