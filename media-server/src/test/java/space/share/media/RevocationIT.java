package space.share.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static space.share.media.testing.LocalUrls.http;
import static space.share.media.testing.LocalUrls.rtmp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import space.share.media.testing.Await;
import space.share.media.testing.FeedClient;
import space.share.media.testing.Ffmpeg;
import space.share.media.testing.MemberTokens;

/**
 * Revoking member media tokens against the real server: ffmpeg publishes a room over RTMP, real WebSocket viewers
 * watch it, and {@code POST /internal/revocations} is signed here independently of the server's code.
 */
class RevocationIT {
  private static final String SECRET = "revocation-it-secret";
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static MediaServer server;

  @BeforeAll
  static void start() throws Exception {
    server = MediaServer.start(new MediaConfig("127.0.0.1", 0, 0, SECRET, Map.of(), 4 * 1024 * 1024, 200));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String hmac(String message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
  }

  private static String roomKey(String roomId) throws Exception {
    return "r." + roomId + "." + hmac("publish|" + roomId);
  }

  private static String token(String roomId, String memberId) throws Exception {
    return MemberTokens.token(roomId, memberId, System.currentTimeMillis() / 1000 + 3600, SECRET);
  }

  private static String feed(String roomId, String token) {
    return "ws://127.0.0.1:" + server.httpPort() + "/live/" + roomId + "/feed?token=" + token;
  }

  private static int playlistStatus(String roomId, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(http(server, "/live/") + roomId
        + "/index.m3u8?token=" + token)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  /** Posts a revocation; {@code memberId} null revokes the room. Returns the status. */
  private static HttpResponse<String> revoke(String roomId, String memberId, String signatureOverride)
      throws Exception {
    long nowSeconds = System.currentTimeMillis() / 1000;
    String body = "{\"roomId\":\"" + roomId + "\",\"memberId\":" + (memberId == null ? "null" : "\"" + memberId + "\"")
        + ",\"until\":" + (nowSeconds + 3600) + ",\"issuedAt\":" + nowSeconds + "}";
    String signature = signatureOverride != null ? signatureOverride : hmac("revoke|" + body);
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort()
            + "/internal/revocations")).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").header("X-Share-Space-Signature", signature)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void revoke_oneMember_closesOnlyThatViewerAndRefusesItsToken() throws Exception {
    String alice = token("room-a", "alice");
    String bob = token("room-a", "bob");
    Process publish = Ffmpeg.publishTestPattern(rtmp(server, roomKey("room-a")),
        "320x240", 30, 8, List.of());
    try (FeedClient aliceViewer = FeedClient.connect(feed("room-a", alice));
         FeedClient bobViewer = FeedClient.connect(feed("room-a", bob))) {
      Await.live(server.streams(), "room-a");
      aliceViewer.await(m -> m.isType("header"), 10_000);
      bobViewer.await(m -> m.isType("header"), 10_000);
      aliceViewer.awaitFragments(30, 10_000); // both receive fragments
      bobViewer.awaitFragments(30, 10_000);
      assertEquals(200, playlistStatus("room-a", alice));

      long revokedAtNanos = System.nanoTime();
      assertEquals(200, revoke("room-a", "alice", null).statusCode());
      assertEquals(4403, aliceViewer.awaitClose(1_000), "alice's feed was not closed within a second");
      assertTrue((System.nanoTime() - revokedAtNanos) / 1_000_000 < 1_000);

      // Alice cannot come back, on the feed or LL-HLS; bob's token still works for both.
      try (FeedClient again = FeedClient.connect(feed("room-a", alice))) {
        assertEquals(4403, again.awaitClose(5_000));
      }
      assertEquals(403, playlistStatus("room-a", alice));
      assertEquals(200, playlistStatus("room-a", bob));

      int bobFragmentsAtRevoke = bobViewer.fragmentSequences().size();
      bobViewer.awaitFragments(bobFragmentsAtRevoke + 31, 10_000); // bob goes on, missing nothing
      bobViewer.assertContiguousFragments(bobFragmentsAtRevoke + 30);

      // Revoking the room closes everyone left in it.
      assertEquals(200, revoke("room-a", null, null).statusCode());
      assertEquals(4403, bobViewer.awaitClose(1_000));
      assertEquals(403, playlistStatus("room-a", bob));
      try (FeedClient carol = FeedClient.connect(feed("room-a", token("room-a", "carol")))) {
        assertEquals(4403, carol.awaitClose(5_000));
      }
    } finally {
      Ffmpeg.await(publish, 30_000);
    }
  }

  @Test
  void feed_tokenExpiresWhileWatching_closed4403MediaTokenExpiredOthersStay() throws Exception {
    long nowSeconds = System.currentTimeMillis() / 1000;
    // A few seconds ahead: the upgrade must still find it valid on a loaded machine.
    String soon = MemberTokens.token("room-e", "erin", nowSeconds + 5, SECRET);
    try (FeedClient expiring = FeedClient.connect(feed("room-e", soon));
        FeedClient staying = FeedClient.connect(feed("room-e", token("room-e", "fred")))) {
      expiring.await(m -> m.isType("waiting"), 5_000); // accepted: the token was valid at the upgrade
      staying.await(m -> m.isType("waiting"), 5_000);
      assertEquals(4403, expiring.awaitClose(10_000), "closed within a second or so of the expiry");
      assertEquals("media token expired", expiring.closeReason());
      assertTrue(System.currentTimeMillis() / 1000 >= nowSeconds + 5, "not before the expiry");
      assertFalse(staying.isClosed(), "a viewer with a valid token stays");
      assertEquals(403, playlistStatus("room-e", soon), "LL-HLS refuses the expired token per request");
    }
  }

  @Test
  void revoke_badSignatureOrMemberToken_is403AndRevokesNothing() throws Exception {
    String dave = token("room-b", "dave");
    try (FeedClient viewer = FeedClient.connect(feed("room-b", dave))) {
      viewer.await(m -> m.isType("waiting"), 5_000);
      HttpResponse<String> forged = revoke("room-b", "dave", hmac("revoke|something else"));
      assertEquals(403, forged.statusCode());
      assertTrue(forged.body().contains("\"error\":\"forbidden\""), forged.body());
      // A member's own token (or its signature) cannot sign a revocation either.
      assertEquals(403, revoke("room-b", "dave", dave.substring(dave.lastIndexOf('.') + 1)).statusCode());
      assertEquals(403, revoke("room-b", null, dave).statusCode());

      // The viewer stays open.
      assertThrows(TimeoutException.class, () -> viewer.awaitClose(300));
      assertFalse(server.revocations().isRevoked("room-b", "dave"));
      assertFalse(server.revocations().isRevoked("room-b", null));
      try (FeedClient second = FeedClient.connect(feed("room-b", dave))) {
        second.await(m -> m.isType("waiting"), 5_000);
      }
    }
  }
}
