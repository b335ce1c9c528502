package space.share.media.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import space.share.media.access.AccessPolicy.ViewDecision;

class AccessPolicyTest {
  private static final Clock NOW = Clock.fixed(Instant.ofEpochSecond(1_800_000_000L), ZoneOffset.UTC);
  private final AccessPolicy policy = new AccessPolicy("test-secret", Map.of(
      "relay", new AccessPolicy.StaticStream("relay", "relay-key", /* open= */ true),
      "closed", new AccessPolicy.StaticStream("closed", "closed-key", /* open= */ false)), NOW);

  @Test
  void streamIdForKey_staticKey_mapsToItsStream() {
    assertEquals(Optional.of("relay"), policy.streamIdForKey("relay-key"));
    assertEquals(Optional.empty(), policy.streamIdForKey("relay"));
  }

  @Test
  void streamIdForKey_roomKeySignedWithSecret_opensTheRoom() {
    String key = "r.room-1." + policy.sign("publish|room-1");
    assertEquals(Optional.of("room-1"), policy.streamIdForKey(key));
    assertEquals(Optional.empty(), policy.streamIdForKey("r.room-2." + policy.sign("publish|room-1")));
    assertEquals(Optional.empty(), policy.streamIdForKey("r.room-1.AAAA"));
  }

  @Test
  void canView_memberToken_isBoundToRoomAndExpiry() {
    long later = NOW.instant().getEpochSecond() + 60;
    String valid = "m1.room-1.alice." + later + "." + policy.sign("media|room-1|alice|" + later);
    assertEquals(ViewDecision.ALLOWED, policy.canView("room-1", valid));
    assertEquals(ViewDecision.FORBIDDEN, policy.canView("room-2", valid));
    long earlier = NOW.instant().getEpochSecond() - 1;
    String expired = "m1.room-1.alice." + earlier + "." + policy.sign("media|room-1|alice|" + earlier);
    assertEquals(ViewDecision.FORBIDDEN, policy.canView("room-1", expired));
    assertEquals(ViewDecision.FORBIDDEN, policy.canView("room-1", valid.replace("alice", "mallory")));
    assertEquals(ViewDecision.FORBIDDEN, policy.canView("room-1", null));
  }

  @Test
  void canView_openStaticStream_needsNoToken_closedOneIsPublishOnly() {
    assertEquals(ViewDecision.ALLOWED, policy.canView("relay", null));
    assertEquals(ViewDecision.FORBIDDEN, policy.canView("closed", null));
    assertEquals(ViewDecision.UNKNOWN_STREAM, policy.canView("Bad_Id", null));
  }

  @Test
  void relayId_roomKeyAndMemberTokenForIt_refused() {
    // A room created with a relay's id must neither be published into with a signed room key nor watched with member
    // tokens: the relay's own key and public flag stay the only way in (the two id spaces are separate).
    long later = NOW.instant().getEpochSecond() + 60;
    assertEquals(Optional.empty(), policy.streamIdForKey("r.relay." + policy.sign("publish|relay")));
    assertEquals(ViewDecision.FORBIDDEN,
        policy.canView("closed", "m1.closed.alice." + later + "." + policy.sign("media|closed|alice|" + later)));
    assertEquals(false, policy.isRoomStream("relay"));
    assertEquals(true, policy.isRoomStream("room-1"));
  }

  @Test
  void roomPublishKey_opensItsRoomStream_whichStaysTokenProtectedAndRevocable() {
    Revocations revocations = new Revocations(NOW);
    AccessPolicy withKeys = new AccessPolicy("test-secret", Map.of(), Map.of("lobby", "lobby-fixed-publish-key"), NOW,
        revocations);
    assertEquals(Optional.of("lobby"), withKeys.streamIdForKey("lobby-fixed-publish-key"));
    assertEquals(ViewDecision.FORBIDDEN, withKeys.canView("lobby", null));
    long later = NOW.instant().getEpochSecond() + 60;
    String token = "m1.lobby.alice." + later + "." + withKeys.sign("media|lobby|alice|" + later);
    assertEquals(ViewDecision.ALLOWED, withKeys.canView("lobby", token));
    revocations.revoke("lobby", "alice", later);
    assertEquals(ViewDecision.REVOKED, withKeys.canView("lobby", token));
  }

  @Test
  void roomPublishKey_forARelayId_refusedAtConstruction() {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new AccessPolicy("test-secret",
        Map.of("demo", new AccessPolicy.StaticStream("demo", "demo-relay-key", true)), Map.of("demo", "other-key"), NOW,
        new Revocations(NOW)));
  }

  @Test
  void keysAndTokens_testVectorsFromDocsProtocol_areAccepted() {
    // Computed independently (Python hmac + base64url) and listed in docs/protocol.md: both servers agree on them.
    assertEquals(Optional.of("room-1"), policy.streamIdForKey("r.room-1.6SDonwwmhSXlxO2UKH5_t1dT66-JuNQlY-XC-v6dh9U"));
    assertEquals(ViewDecision.ALLOWED,
        policy.canView("room-1", "m1.room-1.alice.1800000060.OKEBtq79kbMhFnmwTXqzghCBQIwAUG72BTnB-VR-u3U"));
  }

  @Test
  void canView_revokedMember_isRevokedWhileOthersStayAllowed() {
    Revocations revocations = new Revocations(NOW);
    AccessPolicy withRevocations = new AccessPolicy("test-secret", Map.of(), NOW, revocations);
    long later = NOW.instant().getEpochSecond() + 60;
    String alice = "m1.room-1.alice." + later + "." + withRevocations.sign("media|room-1|alice|" + later);
    String bob = "m1.room-1.bob." + later + "." + withRevocations.sign("media|room-1|bob|" + later);
    revocations.revoke("room-1", "alice", later);
    assertEquals(ViewDecision.REVOKED, withRevocations.canView("room-1", alice));
    assertEquals(ViewDecision.ALLOWED, withRevocations.canView("room-1", bob));
    revocations.revoke("room-1", null, later);
    assertEquals(ViewDecision.REVOKED, withRevocations.canView("room-1", bob));
    // A forged token stays FORBIDDEN: revocation is only reported for tokens that are otherwise valid.
    assertEquals(ViewDecision.FORBIDDEN, withRevocations.canView("room-1", "m1.room-1.bob." + later + ".AAAA"));
  }

  @Test
  void canView_publicRelayWithTheRevokedId_isUnaffected() {
    Revocations revocations = new Revocations(NOW);
    AccessPolicy withRevocations = new AccessPolicy("test-secret", Map.of(
        "relay", new AccessPolicy.StaticStream("relay", "relay-key", /* open= */ true)), NOW, revocations);
    long later = NOW.instant().getEpochSecond() + 60;
    revocations.revoke("relay", null, later);
    assertEquals(ViewDecision.ALLOWED, withRevocations.canView("relay", null));
  }

  @Test
  void memberIdOf_namesTheTokensMember() {
    assertEquals("alice", AccessPolicy.memberIdOf("m1.room-1.alice.1800000060.sig"));
    assertEquals(null, AccessPolicy.memberIdOf("m1.room-1.al.ice.1800000060.sig"));
    assertEquals(null, AccessPolicy.memberIdOf(null));
  }
}
