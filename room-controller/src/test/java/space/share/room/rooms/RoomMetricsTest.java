package space.share.room.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import space.share.media.testing.PrometheusText;
import space.share.room.FakeClock;
import space.share.room.members.Member;
import space.share.room.metrics.RoomMetrics;
import space.share.room.placement.MediaHost;
import space.share.room.placement.Placements;
import space.share.room.status.RoomException;
import space.share.room.status.RoomStatus;
import space.share.room.store.Database;
import space.share.room.store.RoomStore;
import space.share.room.token.JoinThrottle;
import space.share.room.token.PasscodeHasher;
import space.share.room.token.SessionTokens;
import space.share.room.token.TokenSigner;
import space.share.room.token.VerificationSlots;
import space.share.room.token.VncTokens;

/** The controller's meters after driving the service (in-memory H2, real bcrypt at cost 4, a fake clock). */
class RoomMetricsTest {
  private final FakeClock clock = new FakeClock(1_767_225_600_000L);
  private final RoomMetrics metrics = new RoomMetrics();
  private Database database;

  @AfterEach
  void stop() {
    metrics.close();
    if (database != null) {
      database.close();
    }
  }

  private RoomServices service(int maxMembersPerRoom) {
    database = Database.open("jdbc:h2:mem:metrics" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "", "");
    RoomServices rooms = RoomServices.create(new RoomStore(database.dataSource()), new TokenSigner("s"), new SessionTokens(),
        new PasscodeHasher(4), new VncTokens(clock, 10_000), new JoinThrottle(clock, 3, 20, 60_000),
        new StaticDesktopManager(null), clock,
        new RoomSettings("http://r", "http://m", "rtmp://m/live", 3_600_000, 3600, 30_000, 8),
        new RoomLimits(10, maxMembersPerRoom), VerificationSlots.forCores(2), new Placements(List.of(new MediaHost(
            MediaHost.SINGLE_ID, "http://m", "", "rtmp://m/live", "rtmp://m/live"))), metrics);
    rooms.dashboard().start();
    metrics.bindRooms(rooms.registry()::count, rooms.members()::activeMemberCount);
    return rooms;
  }

  private PrometheusText scrape() {
    return PrometheusText.parse(metrics.scrape());
  }

  @Test
  void joinsRefusalsAndControl_countedByReason() {
    RoomServices rooms = service(/* maxMembersPerRoom= */ 2); // the owner and one more
    rooms.dashboard().createRoom("r1", "Room 1", "right-passcode", "Olive");
    RoomViews.Session ann = rooms.members().join("r1", "right-passcode", "Ann", "10.0.0.1", false);
    assertEquals(RoomStatus.ROOM_FULL,
        assertThrows(RoomException.class, () -> rooms.members().join("r1", "right-passcode", "Bob", "10.0.0.2", false)).status());
    assertEquals(RoomStatus.NOT_FOUND,
        assertThrows(RoomException.class, () -> rooms.members().join("nope", "x", "Eve", "10.0.0.3", false)).status());
    for (int i = 0; i < 5; i++) {
      assertThrows(RoomException.class, () -> rooms.members().join("r1", "wrong", "Eve", "10.0.0.9", false));
    }
    Member member = rooms.members().authenticate("r1", ann.token());
    rooms.control().requestControl(member);
    rooms.control().releaseControl(member);

    PrometheusText text = scrape();
    assertEquals(1.0, text.value("share_space_room_rooms"));
    assertEquals(2.0, text.value("share_space_room_members"), "the owner and Ann");
    assertEquals(1.0, text.value("share_space_room_members_joined_total"));
    assertEquals(1.0, text.value("share_space_room_join_failures_total", "reason", "full"));
    assertEquals(1.0, text.value("share_space_room_join_failures_total", "reason", "unknown_room"));
    double wrong = text.value("share_space_room_join_failures_total", "reason", "wrong_passcode");
    double throttled = text.value("share_space_room_join_failures_total", "reason", "throttled");
    assertEquals(5.0, wrong + throttled, "each wrong attempt is refused once, as wrong or throttled");
    assertEquals(true, throttled >= 1, "an address past its budget is throttled: " + throttled);
    assertEquals(1.0, text.value("share_space_room_control_changes_total", "reason", "request"));
    assertEquals(1.0, text.value("share_space_room_control_changes_total", "reason", "release"));
    assertEquals(0.0, text.value("share_space_room_control_changes_total", "reason", "take"));
  }

  @Test
  void controlChanged_unknownReason_countsAsOther_soTheLabelSetStaysFixed() {
    metrics.controlChanged("some-new-word");
    assertEquals(1.0, scrape().value("share_space_room_control_changes_total", "reason", "other"));
    assertEquals(false, scrape().hasSeries("share_space_room_control_changes_total", "reason", "some-new-word"));
  }
}
