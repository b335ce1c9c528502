package space.share.room.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The token formats of docs/protocol.md, pinned by the same vectors the document lists. */
class TokenSignerTest {
  private static final String SECRET = "share-space-test-secret";
  private final TokenSigner signer = new TokenSigner(SECRET);

  @Test
  void streamKey_fixedSecretAndRoom_matchesProtocolVector() {
    assertEquals("r.room1.N6678zgXqar6QCHvyybTS3WFqgCi3-Y-SMd3Qpv8Krw", signer.streamKey("room1"));
  }

  @Test
  void mediaToken_fixedSecretAndInput_matchesProtocolVector() {
    assertEquals("m1.room1.alice.1767225600.O1sWfTXIrzli3avD2fMN30DplIrZTJYn_kvFJ1tmcSM",
        signer.mediaToken("room1", "alice", 1767225600L));
  }

  @Test
  void verifyMediaToken_validBeforeExpiry_returnsMember() {
    String token = signer.mediaToken("room1", "alice", 1000);
    assertEquals(Optional.of("alice"), signer.verifyMediaToken(token, "room1", 999));
  }

  @Test
  void verifyMediaToken_atOrAfterExpiry_refused() {
    String token = signer.mediaToken("room1", "alice", 1000);
    assertEquals(Optional.empty(), signer.verifyMediaToken(token, "room1", 1000));
  }

  @Test
  void verifyMediaToken_otherRoom_refused() {
    String token = signer.mediaToken("room1", "alice", 1000);
    assertEquals(Optional.empty(), signer.verifyMediaToken(token, "room2", 0));
  }

  @Test
  void verifyMediaToken_tamperedExpiryOrOtherSecret_refused() {
    String token = signer.mediaToken("room1", "alice", 1000);
    assertEquals(Optional.empty(), signer.verifyMediaToken(token.replace(".1000.", ".9999."), "room1", 0));
    assertEquals(Optional.empty(), new TokenSigner("other-secret").verifyMediaToken(token, "room1", 0));
    assertEquals(Optional.empty(), signer.verifyMediaToken("m1.room1.alice.1000", "room1", 0));
  }

  @Test
  void verifyStreamKey_ownKeyAcceptedOtherRoomsRefused() {
    assertTrue(signer.verifyStreamKey(signer.streamKey("room1"), "room1"));
    assertFalse(signer.verifyStreamKey(signer.streamKey("room2"), "room1"));
    assertFalse(signer.verifyStreamKey(new TokenSigner("x").streamKey("room1"), "room1"));
  }

  @Test
  void streamKey_roomIdOutsidePattern_throws() {
    assertThrows(IllegalArgumentException.class, () -> signer.streamKey("Room.1"));
    assertThrows(IllegalArgumentException.class, () -> signer.mediaToken("room1", "a.b", 1));
  }
}
