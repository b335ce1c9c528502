package space.share.media.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MemberTokensTest {
  @Test
  void token_protocolTestVector_matchesDocsProtocolMd() throws Exception {
    assertEquals("m1.room1.alice.1767225600.O1sWfTXIrzli3avD2fMN30DplIrZTJYn_kvFJ1tmcSM",
        MemberTokens.token("room1", "alice", 1767225600L, "share-space-test-secret"));
  }
}
