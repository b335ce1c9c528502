package space.share.room.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import space.share.room.FakeClock;

/** The purge of ended member sessions against an in-memory H2 migrated like production; PostgresIT runs it on PG. */
class MemberPurgeTest {
  private static final long HOUR_MS = 3_600_000;
  private static final long RETAIN_MS = 6 * HOUR_MS;

  private final FakeClock clock = new FakeClock(1_767_225_600_000L);
  private Database database;
  private RoomStore store;
  private MemberPurge purge;

  @BeforeEach
  void open() {
    database = Database.open("jdbc:h2:mem:purge" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "", "");
    store = new RoomStore(database.dataSource());
    store.insertRoom(new RoomStore.RoomRow("room1", "Room", "$2y$04$x", null, clock.millis(), 0));
    purge = new MemberPurge(store, clock, RETAIN_MS, 60_000);
  }

  @AfterEach
  void close() {
    purge.close();
    database.close();
  }

  private void member(String id, long joinedAtMs, long expiresAtMs, long leftAtMs) {
    store.insertMember(new RoomStore.MemberRow(id, "room1", id, false, String.format("%064d", Math.abs(id.hashCode())),
        joinedAtMs, expiresAtMs, 0));
    if (leftAtMs != 0) {
      store.markMemberLeft(id, leftAtMs);
    }
  }

  @Test
  void purgeOnce_endedLongerThanRetention_deletedOthersKept() {
    long now = clock.millis();
    member("active", now - HOUR_MS, now + HOUR_MS, 0);
    member("left-recently", now - 2 * HOUR_MS, now + HOUR_MS, now - HOUR_MS);
    member("left-long-ago", now - 9 * HOUR_MS, now + HOUR_MS, now - 7 * HOUR_MS);
    member("expired-recently", now - 9 * HOUR_MS, now - HOUR_MS, 0);
    member("expired-long-ago", now - 20 * HOUR_MS, now - 8 * HOUR_MS, 0);

    assertEquals(2, purge.purgeOnce());
    assertTrue(store.findMember("active").isPresent());
    assertTrue(store.findMember("left-recently").isPresent(), "still needed for media token revocations");
    assertTrue(store.findMember("expired-recently").isPresent());
    assertTrue(store.findMember("left-long-ago").isEmpty());
    assertTrue(store.findMember("expired-long-ago").isEmpty());
    assertEquals(1, store.listMembersLeftSince(now - RETAIN_MS).size(), "the revocations still see the recent leave");

    clock.advanceMs(6 * HOUR_MS);
    assertEquals(2, purge.purgeOnce(), "left-recently and expired-recently have aged past the retention");
    assertEquals(1, store.countMembers());
    clock.advanceMs(2 * HOUR_MS);
    assertEquals(1, purge.purgeOnce(), "the active session expired an hour after it started, seven hours ago");
    assertEquals(0, store.countMembers());
  }

  @Test
  void purgeOnce_backlogBiggerThanABatch_deletesItAllInBatches() {
    long now = clock.millis();
    int rows = MemberPurge.MAX_ROWS_PER_BATCH + 10;
    for (int i = 0; i < rows; i++) {
      member("m" + i, now - 20 * HOUR_MS, now - 10 * HOUR_MS, 0);
    }
    assertEquals(rows, purge.purgeOnce());
    assertEquals(0, store.countMembers());
  }
}
