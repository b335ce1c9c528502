package space.share.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import space.share.media.access.AccessPolicy;
import space.share.media.access.RevocationRequests;
import space.share.media.access.Revocations;
import space.share.media.hls.HlsService;
import space.share.media.hls.HlsSettings;
import space.share.media.http.MediaHttpServer;
import space.share.media.stream.StreamRegistry;
import space.share.room.rooms.StaticDesktopManager;

/**
 * The real controller revoking member media tokens at the real media server's HTTP side (feed, LL-HLS, the internal
 * endpoint, the status API on Jetty), including a media server restart that forgets every revocation.
 *
 * <p>The media server runs here without its RTMP ingest: Red5 allows one RTMP server per JVM and cannot start
 * again after a stop, and revocation never touches ingest (media-server's RevocationIT covers it with ffmpeg
 * publishing). A restart is a new {@link MediaHttpServer} on the same port with fresh in-memory state, as a
 * restarted process would have.
 */
class MediaRevocationIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** The media server's HTTP side wired as {@code MediaServer} wires it. */
  private static final class MediaHttp implements AutoCloseable {
    final Revocations revocations = new Revocations(Clock.systemUTC());
    final HlsService hls;
    final MediaHttpServer server;

    MediaHttp(int port) throws Exception {
      StreamRegistry streams = new StreamRegistry();
      AccessPolicy access = new AccessPolicy(ControllerHarness.SECRET, Map.of(), Clock.systemUTC(), revocations);
      hls = new HlsService(streams, access, HlsSettings.withPartTargetMs(200), Clock.systemUTC());
      server = new MediaHttpServer("127.0.0.1", port, streams, access,
          new RevocationRequests(ControllerHarness.SECRET, Clock.systemUTC()), 4 * 1024 * 1024, hls.handler());
      server.start();
    }

    @Override
    public void close() throws Exception {
      server.close();
      hls.close();
    }
  }

  @TempDir Path dataDir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private MediaHttp media;
  private ControllerHarness harness;
  private WebSocketClient ws;

  @BeforeEach
  void start() throws Exception {
    media = new MediaHttp(0);
    String mediaUrl = "http://127.0.0.1:" + media.server.port();
    // Revocations carry issuedAt from the controller's clock: it must be the real time for the media server.
    harness = new ControllerHarness(dataDir, new FakeClock(System.currentTimeMillis()), new FakeStreamStatus(),
        new StaticDesktopManager(null), Map.of("room.media.internal-url", mediaUrl, "room.media.public-url", mediaUrl,
            "room.media.poll-interval-ms", "200", "room.media.revocation-retry-ms", "100"));
    ws = new WebSocketClient();
    ws.start();
  }

  @AfterEach
  void stop() throws Exception {
    ws.stop();
    harness.close();
    if (media != null) {
      media.close();
    }
  }

  private int status(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** Whether the media server lets this feed URL's token in: "waiting" (allowed) or close 4403 (refused). */
  private boolean feedAllowed(String feedUrl) throws Exception {
    WsProbe probe = WsProbe.connect(ws, feedUrl);
    try {
      long deadline = System.currentTimeMillis() + WAIT.toMillis();
      while (System.currentTimeMillis() < deadline) {
        String text = probe.texts.poll(50, TimeUnit.MILLISECONDS);
        if (text != null && text.contains("\"type\":\"waiting\"")) {
          return true;
        }
        if (text == null && probe.closeCode.isDone()) {
          assertEquals(4403, probe.closeCode.get());
          return false;
        }
      }
      throw new AssertionError("neither waiting nor a close from " + feedUrl);
    } finally {
      probe.close();
    }
  }

  private void awaitFeedRefused(String feedUrl) throws Exception {
    long deadline = System.currentTimeMillis() + WAIT.toMillis();
    while (feedAllowed(feedUrl)) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("the media server still lets " + feedUrl + " in");
      }
      Thread.sleep(100);
    }
  }

  @Test
  void leave_refusesThatMembersTokenEvenAfterAMediaServerRestart_deleteRefusesEveryone() throws Exception {
    harness.createRoom("room1", "open-sesame");
    JsonNode bea = harness.join("room1", "open-sesame", "Bea");
    JsonNode cal = harness.join("room1", "open-sesame", "Cal");
    String beaFeed = bea.path("room").path("urls").path("feed").asText();
    String beaPlaylist = bea.path("room").path("urls").path("playlist").asText();
    String calFeed = cal.path("room").path("urls").path("feed").asText();
    assertTrue(beaFeed.startsWith("ws://127.0.0.1:" + media.server.port() + "/live/room1/feed?token=m1.room1."), beaFeed);

    WsProbe beaWatching = WsProbe.connect(ws, beaFeed);
    WsProbe calWatching = WsProbe.connect(ws, calFeed);
    beaWatching.awaitType("waiting", WAIT);
    calWatching.awaitType("waiting", WAIT);
    assertEquals(404, status(beaPlaylist), "the playlist refused bea before she left"); // allowed; no stream yet

    assertEquals(200, harness.call("POST", "/api/rooms/room1/leave", bea.path("token").asText(), null).status());
    assertEquals(4403, beaWatching.awaitClose(WAIT), "bea's open feed was not closed");
    assertTrue(beaWatching.closeReason.get().contains("revoked"), beaWatching.closeReason.get());
    assertEquals(false, feedAllowed(beaFeed));
    assertEquals(403, status(beaPlaylist));
    assertThrows(TimeoutException.class, () -> calWatching.awaitClose(Duration.ofMillis(300)));
    assertEquals(true, feedAllowed(calFeed));

    // The media server restarts and forgets: the controller notices the new boot id and sends bea's revocation again.
    int port = media.server.port();
    String oldBootId = media.server.bootId();
    media.close();
    media = new MediaHttp(port);
    assertTrue(!oldBootId.equals(media.server.bootId()));
    awaitFeedRefused(beaFeed);
    assertTrue(media.revocations.isRevoked("room1", bea.path("memberId").asText()));
    assertEquals(403, status(beaPlaylist));
    assertEquals(true, feedAllowed(calFeed));

    WsProbe calAgain = WsProbe.connect(ws, calFeed);
    calAgain.awaitType("waiting", WAIT);
    assertEquals(200, harness.call("DELETE", "/api/rooms/room1", ControllerHarness.ADMIN, null).status());
    assertEquals(4403, calAgain.awaitClose(WAIT), "cal's feed stayed open after the room was deleted");
    assertEquals(false, feedAllowed(calFeed));
  }
}
