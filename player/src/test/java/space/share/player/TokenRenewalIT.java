package space.share.player;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import space.share.player.testsupport.RtmpPublisher;

/**
 * Media token renewal (close 4403, docs/protocol.md "Member media tokens") with every server real: the room
 * controller (in-process, media tokens of {@value #TOKEN_TTL_SECONDS} s) in front of the media server, ffmpeg
 * publishing with the room's stream key, headless Chromium. On each feed path (WebCodecs on the page's socket,
 * WebCodecs with sound on the feed Worker's socket, MSE; LL-HLS, whose 403 asks the same way):
 * <ol>
 *   <li>the member's token expires: the media server closes the open feed with 4403 {@code media token expired}, the
 *       page asks the controller for fresh URLs once, reconnects and shows frames again; one renewal, one socket more;
 *   <li>the member's session ends (a leave with their session token, as another tab of theirs would): the media
 *       server closes the feed with 4403 {@code media token revoked} and the controller refuses fresh URLs (401); the
 *       page says so, after that one try, and opens no feed socket while the publisher sends another 5 s of video.
 *       The event socket would tell the page first (it stops the feed then, no renewal: the last test), so on these
 *       paths its address is unreachable and the feed's renewal is what is refused.
 * </ol>
 */
class TokenRenewalIT extends RealControllerBase {
  static final int TOKEN_TTL_SECONDS = 25;
  static final String ROOM = "renew";
  JsonNode created;
  MeterRegistry mediaMeters;
  /** The page's console so far (Chromium hands each line out once). */
  final StringBuilder console = new StringBuilder();

  @BeforeEach
  void readMediaMeters() throws Exception {
    mediaMeters = media().metrics().registry();
  }

  /**
   * Starts the controller and the publisher. {@code eventsReachable} false: the room's event socket address
   * ({@code room.public-url}) is a closed port, as behind a proxy that does not pass it, so nothing but the feed can
   * tell the page that its session ended: the feed's own renewal is what is refused.
   */
  void start(boolean eventsReachable) throws Exception {
    start(eventsReachable, SECRET);
  }

  /** @param controllerSecret the secret the controller signs with (the media server's is {@link #SECRET}) */
  void start(boolean eventsReachable, String controllerSecret) throws Exception {
    Map<String, String> config = new HashMap<>(Map.of("room.media.token-ttl-seconds", String.valueOf(TOKEN_TTL_SECONDS),
        "secret", controllerSecret));
    if (!eventsReachable) {
      try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        config.put("room.public-url", "http://127.0.0.1:" + closed.getLocalPort());
      }
    }
    startController(config);
    created = admin("POST", "api/rooms", "{\"id\":\"" + ROOM + "\",\"name\":\"Renewal room\",\"passcode\":\"renewme\"}");
    // The stream key the media server accepts (the controller's own publishUrl, when the secrets differ, it does not).
    rtmp = new RtmpPublisher(List.of("-re", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
        "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"), true, rtmpUrl(ROOM), null, ffmpegLog);
  }

  @AfterEach
  void stopAll() throws Exception {
    try {
      if (rtmp != null) rtmp.close();
      rtmp = null;
    } finally {
      stopController();
    }
  }

  @Test
  void webCodecsOnThePagesSocket_tokenExpires_renewsOnce_sessionEnds_renewalRefused_givesUp() throws Exception {
    start(false);
    renewThenGiveUp("&decoder=webcodecs&feedworker=0", "webcodecs", "page", false, false);
  }

  @Test
  void webCodecsWithSoundOnTheFeedWorkersSocket_tokenExpires_renewsOnce_sessionEnds_renewalRefused_givesUp() throws Exception {
    start(false);
    renewThenGiveUp("&decoder=webcodecs", "webcodecs", "worker", true, false);
  }

  @Test
  void mse_tokenExpires_renewsOnce_sessionEnds_renewalRefused_givesUp() throws Exception {
    start(false);
    renewThenGiveUp("&decoder=mse", "mse", "worker", false, false);
  }

  /** With the event socket up, it tells the page first that the session ended: the feed stops without a renewal. */
  @Test
  void eventSocketUp_sessionEnds_pageStopsTheFeedWithoutARenewal() throws Exception {
    start(true);
    renewThenGiveUp("&decoder=webcodecs", "webcodecs", "worker", false, true);
  }

  /**
   * The controller's tokens are refused by the media server (here: another secret; also a token that expired at once,
   * or clocks apart): one renewal, refused again, and the page says so. It does not fall back to LL-HLS, which checks
   * the same token on every request (before, hls.js was refused and retried every 2 s while the page was open).
   */
  @Test
  void freshTokenRefusedToo_oneRenewal_pageSaysSo_noLlHlsWithTheSameToken() throws Exception {
    start(true, "not-the-media-servers-secret");
    joinAsAlice("");
    waitFor(30, () -> pill().equals("video refused"), "the refusal shown");
    assertTrue(chromium.driver.findElement(By.id("stage-message")).getText().contains("refused"),
        chromium.driver.findElement(By.id("stage-message")).getText());
    Map<String, Long> gaveUp = counts();
    assertEquals(Map.of("sockets", 2L, "tokenRenewals", 1L), gaveUp, "one renewal, refused again");
    assertEquals(1L, consoleLines("not trying LL-HLS"), console());
    screenshot("token-refused-twice");
    // While the publisher sends 5 s of video: no feed socket, no hls.js, no playlist request.
    waitFor(30, () -> ingestVideoFrames() > 0, "the publisher live");
    double framesAtGiveUp = ingestVideoFrames();
    waitFor(30, () -> {
      assertEquals(gaveUp, counts(), "a feed socket or renewal after giving up");
      assertEquals(0L, chromium.js("return performance.getEntriesByType('resource')"
          + ".filter((e) => e.name.includes('.m3u8') || e.name.includes('hls')).length"), "LL-HLS tried");
      return ingestVideoFrames() - framesAtGiveUp >= 150;
    }, "150 more frames from the publisher");
  }

  void renewThenGiveUp(String query, String decoder, String feedSocket, boolean sound, boolean eventsReachable) throws Exception {
    joinAsAlice(query);
    long joinedAtSeconds = System.currentTimeMillis() / 1000;
    waitFor(30, () -> pill().equals("live"), "live");
    assertEquals(decoder, stats().get("decoder"), "decoder: " + stats());
    if (sound) {
      chromium.driver.findElement(By.id("unmute-btn")).click();
      waitFor(20, () -> Boolean.TRUE.equals(stats().get("audioPlaying")) && "feed-worker".equals(stats().get("audioPath")),
          "sound decoded in the feed Worker");
    }
    assertEquals(feedSocket, stats().get("feedSocket"), "feed socket: " + stats());
    assertEquals(Map.of("sockets", 1L, "tokenRenewals", 0L), counts(), "before the expiry");
    double expiredBefore = viewersClosed("expired");

    // 1. The token expires (the controller's TTL): the media server closes the open feed with 4403 and the page renews.
    assertTrue(System.currentTimeMillis() / 1000 < joinedAtSeconds + TOKEN_TTL_SECONDS - 2,
        "live only after the token expired; raise TOKEN_TTL_SECONDS");
    waitFor(TOKEN_TTL_SECONDS + 10, () -> counts().get("tokenRenewals") >= 1, "a renewal after the token expired");
    chromium.js("window.shareSpace.resetDelays()"); // frames counted from here come through the renewed socket
    waitFor(20, () -> pill().equals("live") && ((Number) stats().get("delaySamples")).intValue() >= 30,
        "30 frames shown after the renewal");
    assertEquals(Map.of("sockets", 2L, "tokenRenewals", 1L), counts(), "one renewal, one socket more");
    assertEquals(feedSocket, stats().get("feedSocket"), "feed socket after the renewal: " + stats());
    if (sound) waitFor(10, () -> Boolean.TRUE.equals(stats().get("audioPlaying")), "sound after the renewal");
    assertEquals(expiredBefore + 1, viewersClosed("expired"), "the media server closed the viewer for its expiry");
    assertEquals(1L, consoleLines("fresh media token (renewal"), "the console tells of one renewal:\n" + console());
    screenshot("token-renewed-" + decoder + "-" + feedSocket);

    // 2. The member's session ends: the media server revokes the token, the controller refuses fresh URLs.
    leaveAsAnotherTab();
    waitFor(15, () -> chromium.driver.findElement(By.id("join")).isDisplayed()
        && chromium.driver.findElement(By.id("join-error")).isDisplayed(), "the join form with a message");
    String message = chromium.driver.findElement(By.id("join-error")).getText();
    Map<String, Long> gaveUp = counts();
    if (eventsReachable) {
      // member-left / 4401 on the event socket: the page stops the feed before its 4403 is seen.
      assertTrue(message.matches("(?s).*(session in this room has expired|removed from this room|no longer in this room).*"), message);
      assertEquals(2L, gaveUp.get("sockets"), "no socket after the session ended: " + gaveUp);
      assertTrue(gaveUp.get("tokenRenewals") <= 2, "at most one renewal: " + gaveUp);
    } else {
      // Only the feed can tell: its 4403 (revoked), one request for fresh URLs, refused (401), and the page says why.
      assertTrue(message.contains("You are no longer in this room"), message);
      assertEquals(Map.of("sockets", 2L, "tokenRenewals", 2L), gaveUp, "one renewal asked and refused, no socket");
      assertEquals(1L, consoleLines("no fresh media token"), "the console tells of the refused renewal:\n" + console());
      assertEquals(1L, consoleLines("(media token revoked), asking the room controller"), console());
    }
    screenshot("token-refused-" + decoder + "-" + feedSocket + (eventsReachable ? "-events" : ""));
    // No reconnect loop: while the publisher sends 5 s more of video (150 frames), no feed socket opens in the page
    // and the media server holds no viewer of the room.
    double framesAtGiveUp = ingestVideoFrames();
    waitFor(30, () -> {
      assertEquals(gaveUp, counts(), "a feed socket or renewal after giving up");
      assertEquals(0, viewers(), "a viewer at the media server after giving up");
      return ingestVideoFrames() - framesAtGiveUp >= 150;
    }, "150 more frames from the publisher");
    System.out.printf("token renewal %s on the %s socket (events %s): after the session ended %s, \"%s\"; console:%n%s%n", decoder,
        feedSocket, eventsReachable ? "up" : "unreachable", gaveUp, message,
        console().lines().filter(l -> !l.startsWith("FINE") && (l.contains("feed:") || l.contains("events"))).collect(java.util.stream.Collectors.joining("\n")));
  }

  /** Opens the room page with query and joins as Alice with the room's passcode. */
  void joinAsAlice(String query) {
    chromium.driver.get(base + "room.html?room=" + ROOM + query);
    wait(10).until(d -> d.findElement(By.id("join")).isDisplayed());
    chromium.driver.findElement(By.id("join-name")).sendKeys("Alice");
    chromium.driver.findElement(By.id("join-passcode")).sendKeys("renewme");
    chromium.driver.findElement(By.id("join-submit")).click();
  }

  /** The member's session ends: a leave with their session token, as another tab of theirs would send it. */
  void leaveAsAnotherTab() throws Exception {
    String sessionToken = (String) chromium.js("return JSON.parse(sessionStorage.getItem('sharespace.member." + ROOM + "')).token");
    HttpResponse<String> left = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "api/rooms/" + ROOM + "/leave"))
        .header("Authorization", "Bearer " + sessionToken).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, left.statusCode(), left.body());
  }

  @Test
  void llHls_tokenExpires_renewsOnce_sessionEnds_renewalRefused_givesUp() throws Exception {
    start(false); // the event socket unreachable: LL-HLS's own renewal is what is refused
    joinAsAlice("&transport=hls");
    long joinedAtSeconds = System.currentTimeMillis() / 1000;
    waitFor(30, () -> pill().equals("live") && currentTime() > 1, "LL-HLS playing");
    assertEquals("ll-hls (hls.js)", stats().get("transport"), "transport: " + stats());
    assertEquals(0L, counts().get("tokenRenewals"), "before the expiry");

    // 1. The token expires: the media server answers 403, the page asks the controller once and plays on.
    assertTrue(System.currentTimeMillis() / 1000 < joinedAtSeconds + TOKEN_TTL_SECONDS - 2,
        "live only after the token expired; raise TOKEN_TTL_SECONDS");
    waitFor(TOKEN_TTL_SECONDS + 15, () -> counts().get("tokenRenewals") >= 1, "a renewal after the token expired");
    double renewedAt = currentTime();
    waitFor(20, () -> pill().equals("live") && currentTime() > renewedAt + 3, "3 s more played after the renewal");
    assertEquals(1L, counts().get("tokenRenewals"), "one renewal");
    assertEquals(1L, consoleLines("hls: 403, asking the room controller"), "the console tells of one renewal:\n" + console());
    screenshot("token-renewed-hls");

    // 2. The session ends: the next request gets 403, the controller refuses fresh URLs (401), the page says so and
    // asks for no playlist after that.
    leaveAsAnotherTab();
    waitFor(15, () -> chromium.driver.findElement(By.id("join")).isDisplayed()
        && chromium.driver.findElement(By.id("join-error")).isDisplayed(), "the join form with a message");
    String message = chromium.driver.findElement(By.id("join-error")).getText();
    assertTrue(message.contains("You are no longer in this room"), message);
    assertEquals(2L, counts().get("tokenRenewals"), "one renewal asked and refused");
    chromium.js("performance.clearResourceTimings()"); // the buffer holds 250 entries: counted from empty
    double framesAtGiveUp = ingestVideoFrames();
    waitFor(30, () -> {
      assertEquals(0L, playlistRequests(), "a playlist request after giving up");
      return ingestVideoFrames() - framesAtGiveUp >= 150;
    }, "150 more frames from the publisher");
  }

  double currentTime() {
    return ((Number) chromium.js("return document.getElementById('video').currentTime")).doubleValue();
  }

  long playlistRequests() {
    return (Long) chromium.js("return performance.getEntriesByType('resource').filter((e) => e.name.includes('.m3u8')).length");
  }

  @SuppressWarnings("unchecked")
  Map<String, Long> counts() {
    Map<String, Object> c = (Map<String, Object>) chromium.js("return window.shareSpace.feedCounts()");
    return Map.of("sockets", ((Number) c.get("sockets")).longValue(), "tokenRenewals", ((Number) c.get("tokenRenewals")).longValue());
  }

  String console() {
    return console.append(chromium.console()).toString();
  }

  long consoleLines(String containing) {
    return console().lines().filter(l -> l.contains(containing)).count();
  }

  void waitFor(int seconds, BooleanSupplier condition, String what) {
    try {
      wait(seconds).until(d -> condition.getAsBoolean());
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError(what + " not within " + seconds + " s: pill " + pill() + ", counts " + counts()
          + ", stats " + stats() + "\n" + console(), e);
    }
  }

  double viewersClosed(String reason) {
    Counter c = mediaMeters.find("share.space.media.feed.viewers.closed").tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  double ingestVideoFrames() {
    Counter c = mediaMeters.find("share.space.media.ingest.frames").tag("stream", ROOM).tag("track", "video").counter();
    return c == null ? 0 : c.count();
  }

  int viewers() {
    Gauge g = mediaMeters.find("share.space.media.viewers").tag("stream", ROOM).gauge();
    return g == null ? 0 : (int) g.value();
  }
}
