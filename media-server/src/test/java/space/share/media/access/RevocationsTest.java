package space.share.media.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RevocationsTest {
  /** A clock the test moves by hand. */
  static final class MovableClock extends Clock {
    Instant now;

    MovableClock(long epochSeconds) {
      now = Instant.ofEpochSecond(epochSeconds);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private static final long T0 = 1_800_000_000L;
  private final MovableClock clock = new MovableClock(T0);
  private final Revocations revocations = new Revocations(clock);

  @Test
  void revoke_member_revokesOnlyThatMemberOfThatRoom() {
    revocations.revoke("room-1", "alice", T0 + 60);
    assertTrue(revocations.isRevoked("room-1", "alice"));
    assertFalse(revocations.isRevoked("room-1", "bob"));
    assertFalse(revocations.isRevoked("room-2", "alice"));
    assertFalse(revocations.isRevoked("room-1", null));
  }

  @Test
  void revoke_wholeRoom_revokesEveryMemberOfThatRoomOnly() {
    revocations.revoke("room-1", null, T0 + 60);
    assertTrue(revocations.isRevoked("room-1", "alice"));
    assertTrue(revocations.isRevoked("room-1", "bob"));
    assertTrue(revocations.isRevoked("room-1", null));
    assertFalse(revocations.isRevoked("room-2", "alice"));
  }

  @Test
  void isRevoked_afterUntil_isFalseAndTheEntryIsPurged() {
    revocations.revoke("room-1", "alice", T0 + 60);
    revocations.revoke("room-2", null, T0 + 600);
    clock.now = Instant.ofEpochSecond(T0 + 60);
    assertFalse(revocations.isRevoked("room-1", "alice"));
    assertTrue(revocations.isRevoked("room-2", "bob"));
    assertEquals(1, revocations.purgeExpired());
    assertEquals(1, revocations.size());
  }

  @Test
  void revoke_purgesExpiredEntriesSoMemoryStaysBounded() {
    for (int i = 0; i < 1000; i++) {
      revocations.revoke("room-1", "m" + i, T0 + 10);
    }
    clock.now = Instant.ofEpochSecond(T0 + 11);
    revocations.revoke("room-1", "late", T0 + 20);
    assertEquals(1, revocations.size());
  }

  @Test
  void revoke_repeated_isIdempotentAndKeepsTheLatestUntil() {
    revocations.revoke("room-1", "alice", T0 + 100);
    revocations.revoke("room-1", "alice", T0 + 50);
    revocations.revoke("room-1", "alice", T0 + 100);
    assertEquals(1, revocations.size());
    clock.now = Instant.ofEpochSecond(T0 + 99);
    assertTrue(revocations.isRevoked("room-1", "alice"));
  }

  @Test
  void revoke_untilInThePast_keepsNothing() {
    revocations.revoke("room-1", "alice", T0);
    assertEquals(0, revocations.size());
    assertFalse(revocations.isRevoked("room-1", "alice"));
  }

  @Test
  void revoke_notifiesListenersWithMemberOrNullForTheRoom() {
    List<String> heard = new ArrayList<>();
    revocations.addListener((roomId, memberId) -> heard.add(roomId + "/" + memberId));
    revocations.revoke("room-1", "alice", T0 + 60);
    revocations.revoke("room-2", null, T0 + 60);
    assertEquals(List.of("room-1/alice", "room-2/null"), heard);
  }
}
