package space.share.player;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The room page playing the real media server's WebSocket feed: real ffmpeg publishes stamped frames and
 * a tone over RTMP with the room's HMAC key; the page gets an HMAC member token from the stand-in room
 * controller. Also prints both delay figures (the closing note's numbers).
 */
class RealFeedIT extends RealMediaBase {
  @Test
  void join_realMediaServerFeed_playsLiveAndInPageDelayAgreesWithStamps() throws Exception {
    publish();
    join("Alice", "secret");
    wait(25).until(d -> pill().equals("live"));
    wait(20).until(d -> ((Number) stats().get("delaySamples")).intValue() > 30);
    // Past the start (the GOP burst, the first seek): 2 s more of shown frames, then 10 s measured.
    settle(61, 20);
    chromium.js("document.getElementById('stats-btn').click()");
    Measured m = measureFrames(300, 40);
    screenshot("room-real-media-server");
    System.out.println("real media server, muted (" + m.stats().get("decoder") + ", " + m.stats().get("mode") + "): " + m.line() + "\n  stats " + m.stats());
    assertEquals(1280L, ((Number) m.stats().get("width")).longValue());
    double stampedP50 = m.stampedP(50);
    double pageP50 = m.page("delayP50Ms");
    // prft is the RTMP arrival: the page's figure leaves out encode + RTMP (~50 ms measured here), so it is
    // lower than the stamps, by less than that plus the 1 ms prft resolution and the clock estimate's error.
    assertTrue(pageP50 <= stampedP50 + 40, "in-page " + pageP50 + " vs stamped " + stampedP50);
    assertTrue(stampedP50 - pageP50 < 250, "in-page " + pageP50 + " vs stamped " + stampedP50);
  }

  @Test
  void publisherLeavesAndReturns_pageShowsWaitingThenLiveAgain() throws Exception {
    publish();
    join("Alice", "secret");
    wait(25).until(d -> pill().equals("live"));
    int firstGeneration = ((Number) stats().get("generation")).intValue();
    rtmp.close();
    wait(15).until(d -> pill().equals("publisher gone, waiting"));
    screenshot("room-publisher-gone");
    publish();
    try {
      wait(25).until(d -> pill().equals("live") && ((Number) stats().get("generation")).intValue() == firstGeneration + 1);
    } catch (RuntimeException e) {
      throw new AssertionError("pill " + pill() + ", stats " + stats(), e);
    }
    awaitVideoAdvances(1.0, 10);
  }

  /**
   * A reload of a member already in: the feed plays on the socket room.html opened during the parse (the join's);
   * at the sound-on click it moves to the feed Worker, which then decodes the sound.
   */
  @Test
  void reload_earlySocketForTheJoin_soundOnMovesTheFeedToTheWorker() throws Exception {
    publish();
    join("Alice", "secret");
    wait(25).until(d -> pill().equals("live"));
    chromium.driver.navigate().refresh();
    wait(25).until(d -> stats() != null && pill().equals("live") && stats().get("pageMarks") instanceof Map<?, ?> m && m.get("earlySocket") != null);
    if (!"webcodecs".equals(stats().get("decoder"))) return;
    assertEquals("page", stats().get("feedSocket"), "the join's socket: " + stats());
    chromium.driver.findElement(org.openqa.selenium.By.id("unmute-btn")).click();
    try {
      wait(20).until(d -> Boolean.TRUE.equals(stats().get("audioPlaying")) && "feed-worker".equals(stats().get("audioPath")));
    } catch (RuntimeException e) {
      throw new AssertionError("sound not from the feed Worker: " + stats() + "\n" + chromium.console(), e);
    }
    assertEquals("worker", stats().get("feedSocket"));
    awaitVideoAdvances(1.0, 10);
  }

  /** A browser without Worker: the page opens the feed socket and decodes the sound itself. */
  @Test
  void noWorkerInTheBrowser_feedOnAPageSocket_playsWithSound() throws Exception {
    chromium.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", "delete window.Worker;"));
    unmuteAndPlay("page", "main");
  }

  /** A Worker that fails (its script did not load): its socket closes, the feed reconnects on a page socket. */
  @Test
  void failingWorker_feedFallsBackToAPageSocket_playsWithSound() throws Exception {
    chromium.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
        "window.Worker = class extends EventTarget { constructor() { super(); setTimeout(() => this.dispatchEvent("
            + "Object.assign(new Event('error'), { message: 'test: the Worker failed' })), 50); } postMessage() {} terminate() {} };"));
    unmuteAndPlay("page", "main");
  }

  void unmuteAndPlay(String feedSocket, String audioPath) throws Exception {
    publish();
    join("Alice", "secret");
    wait(25).until(d -> pill().equals("live"));
    if (!"webcodecs".equals(stats().get("decoder"))) return;
    assertEquals(feedSocket, stats().get("feedSocket"), "feed socket: " + stats());
    chromium.driver.findElement(org.openqa.selenium.By.id("unmute-btn")).click();
    try {
      wait(20).until(d -> Boolean.TRUE.equals(stats().get("audioPlaying")));
    } catch (RuntimeException e) {
      throw new AssertionError("sound not playing: " + stats() + "\n" + chromium.console(), e);
    }
    assertEquals(feedSocket, stats().get("feedSocket"), "feed socket: " + stats());
    assertEquals(audioPath, stats().get("audioPath"), "audio path: " + stats());
    awaitVideoAdvances(1.0, 10);
  }

  @Test
  void unmute_addsTheAudioTrackAndKeepsPlaying() throws Exception {
    publish();
    join("Alice", "secret");
    wait(25).until(d -> pill().equals("live"));
    assertEquals("video", stats().get("mode"), "muted: video only");
    boolean webCodecs = "webcodecs".equals(stats().get("decoder"));
    chromium.driver.findElement(org.openqa.selenium.By.id("unmute-btn")).click();
    // MSE: a fresh MediaSource with an audio SourceBuffer; WebCodecs: the AudioWorklet starts, no restart.
    wait(15).until(d -> (webCodecs ? "audio+video" : "split").equals(stats().get("mode")) && pill().equals("live"));
    if (webCodecs) {
      try {
        wait(15).until(d -> Boolean.TRUE.equals(stats().get("audioPlaying")));
      } catch (RuntimeException e) {
        throw new AssertionError("sound not playing: " + stats() + "\n" + chromium.console(), e);
      }
      // Pictures on the audio clock: the audible media time minus the shown frame's, within the +-45 ms asked for.
      // Settle past the start (GOP burst, first audio buffer fill) for ~3 s of shown frames, then measure ~3 s more.
      wait(20).until(d -> ((Number) stats().get("avSyncSamples")).intValue() >= 90);
      chromium.js("window.shareSpace.resetDelays()");
      wait(20).until(d -> ((Number) stats().get("avSyncSamples")).intValue() >= 90);
      Map<String, Object> s = stats();
      System.out.println("webcodecs with sound: " + s);
      if (!extraQuery.contains("feedworker=0") && !extraQuery.contains("audio=main")) {
        // The feed socket in its Worker, which takes the sound out of the socket's messages and decodes it there.
        assertEquals("worker", s.get("feedSocket"), "feed socket: " + s);
        assertEquals("feed-worker", s.get("audioPath"), "audio path: " + s);
      }
      double av = ((Number) s.get("avSyncP50Ms")).doubleValue();
      assertTrue(Math.abs(av) <= 45, "a/v offset p50 " + av + " ms: " + s);
    }
    assertEquals(Boolean.FALSE, chromium.js("return document.getElementById('video').muted"));
    wait(15).until(d -> ((Number) chromium.js("const v = document.getElementById('video'); return !v.paused && v.readyState >= 2 ? v.currentTime : 0")).doubleValue() > 1);
    awaitVideoAdvances(1.0, 10);
    assertEquals("Sound on", chromium.driver.findElement(org.openqa.selenium.By.id("unmute-btn")).getText());
  }
}
