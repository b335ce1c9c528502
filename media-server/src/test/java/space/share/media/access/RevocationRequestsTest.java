package space.share.media.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RevocationRequestsTest {
  private static final String SECRET = "share-space-test-secret";
  private static final long NOW = 1_800_000_000L;
  private final RevocationRequests requests =
      new RevocationRequests(SECRET, Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

  private static byte[] body(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static String member(long issuedAt) {
    return "{\"roomId\":\"room-1\",\"memberId\":\"alice\",\"until\":" + (NOW + 3600) + ",\"issuedAt\":" + issuedAt + "}";
  }

  @Test
  void sign_matchesTheDocumentedVector() {
    // docs/protocol.md "Revoking media tokens" pins this header value.
    byte[] vector = body("{\"roomId\":\"room1\",\"memberId\":\"alice\",\"until\":1767225600,\"issuedAt\":1767204000}");
    assertEquals("PkqnrwT3j1ThKi8tPMHHUAAVAOmKOSSPrR51crRWWbo", RevocationRequests.sign(SECRET, vector));
  }

  @Test
  void verify_goodSignature_returnsTheMemberRevocation() throws Exception {
    byte[] body = body(member(NOW - 10));
    var revocation = requests.verify(body, RevocationRequests.sign(SECRET, body));
    assertEquals(new RevocationRequests.Revocation("room-1", "alice", NOW + 3600), revocation);
  }

  @Test
  void verify_memberIdNullOrAbsent_revokesTheWholeRoom() throws Exception {
    for (String json : new String[] {
        "{\"roomId\":\"room-1\",\"memberId\":null,\"until\":" + (NOW + 60) + ",\"issuedAt\":" + NOW + "}",
        "{\"roomId\":\"room-1\",\"until\":" + (NOW + 60) + ",\"issuedAt\":" + NOW + "}"}) {
      byte[] body = body(json);
      assertNull(requests.verify(body, RevocationRequests.sign(SECRET, body)).memberId());
    }
  }

  @Test
  void verify_badSignature_isForbidden() {
    byte[] body = body(member(NOW));
    var rejected = assertThrows(RevocationRequests.Rejected.class,
        () -> requests.verify(body, RevocationRequests.sign("another-secret", body)));
    assertTrue(rejected.forbidden());
    assertTrue(assertThrows(RevocationRequests.Rejected.class, () -> requests.verify(body, null)).forbidden());
  }

  @Test
  void verify_tamperedBody_isForbidden() {
    byte[] signed = body(member(NOW));
    String signature = RevocationRequests.sign(SECRET, signed);
    byte[] tampered = body(member(NOW).replace("alice", "bobby"));
    assertTrue(assertThrows(RevocationRequests.Rejected.class, () -> requests.verify(tampered, signature)).forbidden());
    // Whitespace counts too: the signature is over the exact bytes.
    byte[] spaced = body(member(NOW).replace(",", ", "));
    assertTrue(assertThrows(RevocationRequests.Rejected.class, () -> requests.verify(spaced, signature)).forbidden());
  }

  @Test
  void verify_staleOrFutureTimestamp_isForbidden() {
    for (long issuedAt : new long[] {NOW - RevocationRequests.MAX_SKEW_SECONDS - 1, NOW + RevocationRequests.MAX_SKEW_SECONDS + 1}) {
      byte[] body = body(member(issuedAt));
      var rejected = assertThrows(RevocationRequests.Rejected.class,
          () -> requests.verify(body, RevocationRequests.sign(SECRET, body)));
      assertTrue(rejected.forbidden(), rejected.getMessage());
      assertTrue(rejected.getMessage().contains("stale"), rejected.getMessage());
    }
  }

  @Test
  void verify_memberTokenSignature_isForbidden() {
    // A member holds sig = HMAC(secret, "media|...") values; none of them signs "revoke|" + a body.
    AccessPolicy policy = new AccessPolicy(SECRET, Map.of(), Clock.systemUTC());
    byte[] body = body(member(NOW));
    String memberSig = policy.sign("media|room-1|alice|" + (NOW + 3600));
    assertTrue(assertThrows(RevocationRequests.Rejected.class, () -> requests.verify(body, memberSig)).forbidden());
  }

  @Test
  void verify_noSecretConfigured_refusesEverything() {
    RevocationRequests disabled = new RevocationRequests("", Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
    byte[] body = body(member(NOW));
    assertTrue(assertThrows(RevocationRequests.Rejected.class,
        () -> disabled.verify(body, RevocationRequests.sign(SECRET, body))).forbidden());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "not json",
      "[1,2]",
      "{\"memberId\":\"alice\",\"until\":1800003600,\"issuedAt\":1800000000}",
      "{\"roomId\":\"Room_1\",\"until\":1800003600,\"issuedAt\":1800000000}",
      "{\"roomId\":\"room-1\",\"memberId\":\"a.b\",\"until\":1800003600,\"issuedAt\":1800000000}",
      "{\"roomId\":\"room-1\",\"memberId\":\"alice\",\"issuedAt\":1800000000}",
      "{\"roomId\":\"room-1\",\"memberId\":\"alice\",\"until\":\"1800003600\",\"issuedAt\":1800000000}",
      "{\"roomId\":\"room-1\",\"memberId\":\"alice\",\"until\":1800003600}",
      "{\"roomId\":\"room-1\",\"memberId\":\"alice\",\"until\":1900000000,\"issuedAt\":1800000000}"})
  void verify_signedButMalformed_isABadRequest(String json) {
    byte[] body = body(json);
    var rejected = assertThrows(RevocationRequests.Rejected.class,
        () -> requests.verify(body, RevocationRequests.sign(SECRET, body)));
    assertFalse(rejected.forbidden(), rejected.getMessage());
  }
}
