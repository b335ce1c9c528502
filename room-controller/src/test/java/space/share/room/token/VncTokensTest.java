package space.share.room.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import space.share.room.FakeClock;

class VncTokensTest {
  private final FakeClock clock = new FakeClock(1_000_000);
  private final VncTokens tokens = new VncTokens(clock, 10_000);

  @Test
  void consume_firstUse_returnsGrantSecondUseRefused() {
    String token = tokens.issue("room1", "alice");
    assertEquals("alice", tokens.consume(token, "room1").orElseThrow().memberId());
    assertTrue(tokens.consume(token, "room1").isEmpty());
  }

  @Test
  void consume_afterTtl_refused() {
    String token = tokens.issue("room1", "alice");
    clock.advanceMs(10_000);
    assertTrue(tokens.consume(token, "room1").isEmpty());
  }

  @Test
  void consume_otherRoom_refusedAndBurnt() {
    String token = tokens.issue("room1", "alice");
    assertTrue(tokens.consume(token, "room2").isEmpty());
    assertTrue(tokens.consume(token, "room1").isEmpty());
  }

  @Test
  void revoke_member_voidsOutstandingTokens() {
    String token = tokens.issue("room1", "alice");
    String other = tokens.issue("room1", "bob");
    tokens.revoke("room1", "alice");
    assertTrue(tokens.consume(token, "room1").isEmpty());
    assertTrue(tokens.consume(other, "room1").isPresent());
  }
}
