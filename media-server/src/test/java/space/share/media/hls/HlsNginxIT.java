package space.share.media.hls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static space.share.media.testing.LocalUrls.rtmp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import space.share.media.MediaConfig;
import space.share.media.MediaServer;
import space.share.media.access.AccessPolicy.StaticStream;
import space.share.media.testing.Nginx;
import space.share.media.testing.StampedSource;
import space.share.media.testing.StaticPages;

/**
 * The scale-out path: Debian's nginx, configured from {@code config/nginx-llhls.conf}, caches LL-HLS in front of the
 * origin, and hls.js (lowLatencyMode, tuned live-edge policy) plays through it; concurrent blocking reloads reach the origin once.
 */
class HlsNginxIT {
  static final Path TEMPLATE = Path.of("../config/nginx-llhls.conf");
  private static MediaServer server;
  private static Nginx nginx;
  private static StaticPages pages;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    server = MediaServer.start(new MediaConfig("127.0.0.1", 0, 0, "", Map.of("edge",
        new StaticStream("edge", "edge-key", /* open= */ true)), 4 * 1024 * 1024, 200));
    nginx = Nginx.start(TEMPLATE, "127.0.0.1:" + server.httpPort());
    pages = StaticPages.hlsPlayer();
  }

  @AfterAll
  static void stop() throws Exception {
    pages.close();
    nginx.close();
    server.close();
  }

  static HttpResponse<byte[]> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void nginxCache_hlsJsPlaysThroughItAndBlockingReloadsCollapse() throws Exception {
    try (StampedSource source = StampedSource.publish(
        rtmp(server, "edge-key"), /* withAudio= */ true, /* noise= */ false)) {
      String playlist = HlsServingIT.awaitPlaylistOn(server, "edge", 5);

      // A finished part: the first fetch fills the cache, the second is a hit with the same bytes.
      Matcher part = HlsServingIT.PART.matcher(playlist);
      assertTrue(part.find(), playlist);
      String partUrl = nginx.url("/live/edge/part-" + part.group(1) + "." + part.group(2) + ".m4s");
      HttpResponse<byte[]> first = get(partUrl);
      HttpResponse<byte[]> second = get(partUrl);
      assertEquals(200, first.statusCode());
      assertEquals("HIT", second.headers().firstValue("x-cache-status").orElse(""), second.headers().toString());
      assertArrayEquals(first.body(), second.body());

      // Twenty viewers ask for the same future part at once: one request reaches the origin, all get the answer.
      String edge = HlsServingIT.text(get(nginx.url("/live/edge/media.m3u8")));
      Matcher hint = HlsServingIT.HINT.matcher(edge);
      assertTrue(hint.find(), edge);
      String blocking = nginx.url("/live/edge/media.m3u8?_HLS_msn=" + hint.group(1) + "&_HLS_part="
          + (Integer.parseInt(hint.group(2)) + 1));
      List<CompletableFuture<HttpResponse<String>>> viewers = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        viewers.add(http.sendAsync(HttpRequest.newBuilder(URI.create(blocking)).timeout(Duration.ofSeconds(15))
            .build(), HttpResponse.BodyHandlers.ofString()));
      }
      int misses = 0;
      String body = null;
      for (CompletableFuture<HttpResponse<String>> viewer : viewers) {
        HttpResponse<String> response = viewer.get();
        assertEquals(200, response.statusCode());
        body = body == null ? response.body() : body;
        assertEquals(body, response.body(), "every viewer gets the one origin answer");
        misses += "MISS".equals(response.headers().firstValue("x-cache-status").orElse("")) ? 1 : 0;
      }
      assertEquals(1, misses, nginx.accessLog());
      String origin = blocking.substring(blocking.indexOf("/live/"));
      long originRequests = Pattern.compile(Pattern.quote(origin) + " HTTP/1\\.1\" 200 \\d+ cache=MISS")
          .matcher(nginx.accessLog()).results().count();
      assertEquals(1, originRequests, nginx.accessLog());

      // With the live-edge policy HlsPlaybackIT uses: hls.js's defaults never catch up after a stall, so a loaded
      // machine, not the cache, would decide the outcome (they failed 2 of 3 runs under stress -c 2).
      HlsJsPlayback.Result result = HlsJsPlayback.play(pages, nginx.url("/live/edge/index.m3u8"),
          HlsJsPlayback.LOW_LATENCY_TUNED, 6_000, 10_000);
      System.out.println("hls.js through nginx: " + result.summary());
      assertTrue(result.errors().stream().noneMatch(e -> e.startsWith("FATAL")), result.summary());
      assertTrue(result.playedS() > 8, "playback stalled: " + result.summary());
      assertTrue(result.alwaysLowLatency(), result.summary());
      assertTrue(result.partLoads() > 20, result.summary());
      // Holding the live edge, not a latency target (bench/hls.sh measures that): a player that lost the edge
      // drifts several seconds behind; a loaded CI machine adds a second at most.
      assertTrue(result.hlsLatencyPercentileS(50) < 4.0, result.summary());
      assertTrue(nginx.accessLog().contains("cache=HIT") || nginx.accessLog().contains("cache=MISS"));
    }
  }
}
