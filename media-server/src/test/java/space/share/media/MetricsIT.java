package space.share.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static space.share.media.testing.LocalUrls.feed;
import static space.share.media.testing.LocalUrls.rtmp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import space.share.media.access.AccessPolicy.StaticStream;
import space.share.media.access.AccessPolicy;
import space.share.media.access.RevocationRequests;
import space.share.media.http.MediaHttpServer;
import space.share.media.ingest.rtmp.RtmpLimits;
import space.share.media.stream.LiveStream;
import space.share.media.stream.StreamRegistry;
import space.share.media.testing.Await;
import space.share.media.testing.FeedClient;
import space.share.media.testing.Ffmpeg;
import space.share.media.testing.LogLines;
import space.share.media.testing.PrometheusText;
import space.share.settings.HttpLimits;
import space.share.settings.ScrapeToken;

/**
 * {@code GET /metrics} of a real server while ffmpeg publishes and a WebSocket viewer watches, read with a strict
 * text-format parser; and the endpoint's refusals: 401 without the metrics token, 404 when no token is configured.
 */
class MetricsIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String TOKEN = "it-metrics-token-0123456789";
  private static MediaServer server;

  @BeforeAll
  static void start() throws Exception {
    server = MediaServer.start(new MediaConfig("127.0.0.1", 0, 0, "", Map.of("metered",
        new StaticStream("metered", "metered-key", /* open= */ true)), Map.of(), 4 * 1024 * 1024,
        LiveStream.DEFAULT_GOP_CACHE_MAX_BYTES, 200, RtmpLimits.DEFAULTS, HttpLimits.DEFAULTS, ScrapeToken.of(TOKEN)));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return get(port, path, null);
  }

  private static HttpResponse<String> get(int port, String path, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static PrometheusText scrape() throws Exception {
    HttpResponse<String> response = get(server.httpPort(), "/metrics", "Bearer " + TOKEN);
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("text/plain; version=0.0.4; charset=utf-8",
        response.headers().firstValue("Content-Type").orElse(""));
    return PrometheusText.parse(response.body());
  }

  private static double value(PrometheusText text, String name, String... labels) {
    Double value = text.value(name, labels);
    return value == null ? -1 : value;
  }

  @Test
  void metrics_whileFfmpegPublishesToAViewer_countsTheLiveStreamTheViewerAndGrowingBytesOut() throws Exception {
    assertEquals(0.0, scrape().value("share_space_media_streams_live"));
    Process ffmpeg = Ffmpeg.publishTestPattern(rtmp(server, "metered-key"),
        "320x240", 30, 30, List.of("-b:v", "500k"));
    try (FeedClient viewer = FeedClient.connect(feed(server, "metered"))) {
      Await.live(server.streams(), "metered");
      viewer.awaitFragments(30, 30_000);
      Await.until(() -> {
        try {
          PrometheusText text = scrape();
          return value(text, "share_space_media_streams_live") == 1
              && value(text, "share_space_media_viewers", "stream", "metered") == 1;
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }, 10_000, "streams_live 1 and one viewer of 'metered'");
      PrometheusText first = scrape();
      double sentBefore = value(first, "share_space_media_sent_bytes_total", "output", "feed");
      double framesBefore = value(first, "share_space_media_ingest_frames_total", "stream", "metered", "track", "video");
      assertTrue(sentBefore > 0, "feed bytes sent: " + sentBefore);
      assertTrue(value(first, "share_space_media_ingest_bytes_total", "stream", "metered") > 0);
      assertTrue(value(first, "share_space_media_server_latency_seconds_count") > 0);
      assertEquals(1.0, first.value("share_space_media_rtmp_connections"));
      Await.until(() -> {
        try {
          PrometheusText text = scrape();
          return value(text, "share_space_media_sent_bytes_total", "output", "feed") > sentBefore
              && value(text, "share_space_media_ingest_frames_total", "stream", "metered", "track", "video")
                  > framesBefore;
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }, 10_000, "feed bytes sent and video frames received growing between scrapes");

      assertEquals(200, get(server.httpPort(), "/live/metered/media.m3u8").statusCode());
      assertTrue(value(scrape(), "share_space_media_hls_requests_total", "kind", "media") >= 1);
    } finally {
      ffmpeg.destroy();
      ffmpeg.waitFor(10, TimeUnit.SECONDS);
    }
    Await.until(() -> !server.streams().stream("metered").isLive(), 10_000, "the publish ended");
    PrometheusText after = scrape();
    assertEquals(0.0, after.value("share_space_media_streams_live"));
    assertTrue(!after.hasSeries("share_space_media_viewers", "stream", "metered"),
        "a stream's series go when its publish ends");
  }

  @Test
  void metrics_withoutTheToken_is401_andWithNoTokenConfigured_is404() throws Exception {
    try (LogLines lines = LogLines.of("space.share.web.MetricsGate")) {
      refusals();
      // One line per refused request, naming the peer.
      assertEquals(5, lines.matching(m -> m.contains("refused") && m.contains("from 127.0.0.1:")).size(),
          lines.toString());
    }
  }

  private void refusals() throws Exception {
    assertEquals(401, get(server.httpPort(), "/metrics").statusCode());
    HttpResponse<String> wrong = get(server.httpPort(), "/metrics", "Bearer " + TOKEN + "x");
    assertEquals(401, wrong.statusCode());
    assertEquals("Bearer", wrong.headers().firstValue("WWW-Authenticate").orElse(""));
    assertTrue(!wrong.body().contains("share_space"), wrong.body());
    assertEquals(401, get(server.httpPort(), "/metrics", TOKEN).statusCode());
    assertEquals(404, get(server.httpPort(), "/metrics/x", "Bearer " + TOKEN).statusCode());
    assertEquals(200, get(server.httpPort(), "/metrics", "Bearer " + TOKEN).statusCode());
    assertEquals(200, get(server.httpPort(), "/healthz").statusCode());
    // A server whose metrics.token is empty serves /metrics to nobody.
    MediaHttpServer off = new MediaHttpServer("127.0.0.1", 0, new StreamRegistry(),
        new AccessPolicy("", Map.of(), Clock.systemUTC()), new RevocationRequests("", Clock.systemUTC()), 1 << 20,
        null, HttpLimits.DEFAULTS);
    off.start();
    try {
      assertEquals(404, get(off.port(), "/metrics", "Bearer " + TOKEN).statusCode());
    } finally {
      off.close();
    }
  }
}
