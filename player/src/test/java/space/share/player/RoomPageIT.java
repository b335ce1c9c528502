package space.share.player;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The room page in real headless Chromium against a realistic feed: real ffmpeg encoding stamped frames
 * (x264 + AAC, fragment per frame, prft per fragment) served over a real Jetty WebSocket.
 */
class RoomPageIT extends PageTestBase {
  @Test
  void join_withPasscode_playsLiveStampedVideoAndMeasuresDelayLikeTheStamps() throws Exception {
    publishStamped(true);
    join("Alice", "secret");
    wait(20).until(d -> pill().equals("live"));
    wait(20).until(d -> ((Number) stats().get("delaySamples")).intValue() > 30);
    chromium.js("document.getElementById('stats-btn').click()");
    Measured m = measureFrames(300, 40);
    screenshot("room-live");
    System.out.println("delay (muted, " + m.stats().get("decoder") + "), stand-in feed, 7 s clock skew: " + m.line());
    Map<String, Object> s = m.stats();
    double stampedP50 = m.stampedP(50);
    double pageP50 = m.page("delayP50Ms");
    assertEquals(1280L, ((Number) s.get("width")).longValue());
    assertEquals(720L, ((Number) s.get("height")).longValue());
    // The page's figure starts at the server's receipt (prft), the stamps at capture, so the page may be
    // lower by ffmpeg's encode time, never higher; the 7 s skew must be gone either way.
    assertTrue(pageP50 <= stampedP50 + 40, "in-page " + pageP50 + " vs stamped " + stampedP50);
    assertTrue(stampedP50 - pageP50 < 250, "in-page " + pageP50 + " vs stamped " + stampedP50);
  }

  @Test
  void feed_waitingThenDroppedSocket_showsStatesAndRecoversByItself() throws Exception {
    join("Alice", "secret");
    wait(15).until(d -> pill().equals("waiting for the desktop"));
    publishStamped(true);
    wait(20).until(d -> pill().equals("live"));
    wait(20).until(d -> ((Number) stats().get("delaySamples")).intValue() > 10);
    servers.feed.dropAllViewers(); // the TCP connection dies without a close frame
    wait(10).until(d -> pill().equals("reconnecting…"));
    screenshot("room-reconnecting");
    wait(20).until(d -> pill().equals("live"));
    chromium.js("window.shareSpace.resetDelays()");
    wait(20).until(d -> ((Number) stats().get("delaySamples")).intValue() > 30);
    awaitVideoAdvances(1.0, 10);
    assertTrue(((Number) stats().get("delayP50Ms")).doubleValue() < 1500, "back near the live edge: " + stats());
  }
}
