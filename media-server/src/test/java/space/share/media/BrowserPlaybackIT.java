package space.share.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static space.share.media.testing.LocalUrls.feed;
import static space.share.media.testing.LocalUrls.rtmp;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;
import space.share.media.access.AccessPolicy.StaticStream;
import space.share.media.testing.Chromium;
import space.share.media.testing.Ffmpeg;

/** Real Chromium plays the WebSocket fMP4 feed of a real ffmpeg publish through MediaSource. */
class BrowserPlaybackIT {
  private static MediaServer server;

  @BeforeAll
  static void start() throws Exception {
    server = MediaServer.start(new MediaConfig("127.0.0.1", 0, 0, "", Map.of("play",
        new StaticStream("play", "play-key", /* open= */ true)), 4 * 1024 * 1024, 200));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void chromium_playsFeedThroughMediaSource_andCurrentTimeAdvances() throws Exception {
    Process publisher = Ffmpeg.publishTestPattern(rtmp(server, "play-key"),
        "1280x720", 30, 60, List.of("-b:v", "3M")); // stopped in finally: long enough for a slow browser start
    try (Chromium.Session chromium = Chromium.open()) {
      ChromeDriver browser = chromium.driver();
      Path page = Path.of("src/test/resources/mse/feed.html").toAbsolutePath();
      String feed = feed(server, "play");
      browser.get(page.toUri() + "?feed=" + feed);
      // Generous: Chromium and ffmpeg start slowly on a loaded machine.
      Map<String, Object> first = awaitPlaying(browser, 1.0, 30_000);
      // Keeps playing: 2 more seconds of media shown (at real time that takes 2 s; a stall fails after 20).
      Map<String, Object> later = awaitPlaying(browser, number(first, "currentTime") + 2.0, 20_000);
      assertEquals(List.of(), later.get("errors"));
      assertTrue(((String) later.get("mimeType")).startsWith("video/mp4; codecs=\"avc1."), later.toString());
    } finally {
      publisher.destroy();
      Ffmpeg.await(publisher, 10_000);
    }
  }

  private static Map<String, Object> awaitPlaying(ChromeDriver browser, double seconds, long timeoutMs)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      Map<String, Object> stats = stats(browser);
      if (number(stats, "currentTime") >= seconds) {
        return stats;
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("video did not play " + seconds + " s within " + timeoutMs + " ms: " + stats);
      }
      Thread.sleep(200);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> stats(ChromeDriver browser) {
    return (Map<String, Object>) browser.executeScript("return window.feedStats;");
  }

  private static double number(Map<String, Object> stats, String key) {
    return ((Number) stats.get(key)).doubleValue();
  }
}
