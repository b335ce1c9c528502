package space.share.media;

import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.media.access.AccessPolicy;
import space.share.media.access.RevocationRequests;
import space.share.media.access.Revocations;
import space.share.media.hls.HlsService;
import space.share.media.hls.HlsSettings;
import space.share.media.http.MediaHttpServer;
import space.share.media.ingest.rtmp.RtmpIngest;
import space.share.media.metrics.MediaMetrics;
import space.share.media.stream.StreamRegistry;

/**
 * The media server process: RTMP ingest in, WebSocket fMP4 and LL-HLS out. {@link #main} runs it until SIGTERM or
 * Ctrl-C; tests build one with {@link #start(MediaConfig)} on ephemeral ports.
 */
public final class MediaServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MediaServer.class);

  private final MediaMetrics metrics = new MediaMetrics().withJvmMeters();
  private final StreamRegistry streams;
  private final RtmpIngest ingest;
  private final MediaHttpServer http;
  private final HlsService hls;
  private final Revocations revocations;

  private MediaServer(MediaConfig config) {
    streams = new StreamRegistry(metrics, config.gopCacheMaxBytes());
    revocations = new Revocations(Clock.systemUTC());
    AccessPolicy access = config.accessPolicy(Clock.systemUTC(), revocations);
    ingest = new RtmpIngest(config.bindHost(), config.rtmpPort(), access, streams, config.rtmpLimits());
    hls = new HlsService(streams, access, HlsSettings.withPartTargetMs(config.partTargetMs()), Clock.systemUTC());
    http = new MediaHttpServer(config.bindHost(), config.httpPort(), streams, access,
        new RevocationRequests(config.secret(), Clock.systemUTC()), config.viewerMaxQueueBytes(), hls.handler(),
        config.httpLimits(), config.metricsToken());
    metrics.rtmpConnections(ingest::openConnections);
  }

  public static MediaServer start(MediaConfig config) throws Exception {
    MediaServer server = new MediaServer(config);
    try {
      server.http.start();
      server.ingest.start();
    } catch (Exception e) {
      server.close();
      throw e;
    }
    return server;
  }

  public int rtmpPort() {
    return ingest.port();
  }

  /** RTMP connections open now. */
  public int rtmpConnections() {
    return ingest.openConnections();
  }

  public int httpPort() {
    return http.port();
  }

  public MediaMetrics metrics() {
    return metrics;
  }

  /** Member tokens the room controller revoked; see {@code POST /internal/revocations}. */
  public Revocations revocations() {
    return revocations;
  }

  public String bootId() {
    return http.bootId();
  }

  public StreamRegistry streams() {
    return streams;
  }

  @Override
  public void close() {
    ingest.close();
    try {
      http.close();
    } catch (Exception e) {
      log.warn("HTTP stop failed: {}", e.toString());
    }
    hls.close();
    metrics.close();
  }

  public static void main(String[] args) throws Exception {
    MediaConfig config = MediaConfig.load(System.getenv()); // refuses empty or shipped secrets outside dev-mode
    MediaServer server = start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping");
      server.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
  }
}
