package space.share.room.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import space.share.room.status.RoomException;
import space.share.room.status.RoomStatus;

class PlacementsTest {
  static MediaHost host(String id) {
    return new MediaHost(id, "https://" + id + ".media.test", "http://" + id + ".internal:8081", "rtmp://" + id + ".media.test/live",
        "rtmp://" + id + ".internal/live");
  }

  private final Placements placements = new Placements(List.of(host("a"), host("b"), host("c")));

  @Test
  void place_emptyServers_tiesGoToTheFirstConfigured_thenLeastRooms() {
    assertEquals("a", placements.place("r1", null).id());
    assertEquals("b", placements.place("r2", null).id());
    assertEquals("c", placements.place("r3", null).id());
    assertEquals("a", placements.place("r4", null).id());
    placements.remove("r2");
    assertEquals("b", placements.place("r5", null).id(), "b has the fewest rooms again");
    assertEquals(Map.of("a", 2, "b", 1, "c", 1), placements.roomCounts());
  }

  @Test
  void place_placedRoom_keepsItsServer() {
    MediaHost first = placements.place("r1", null);
    assertEquals(first, placements.place("r1", "c"));
    assertEquals(Optional.of(first), placements.hostOf("r1"));
  }

  @Test
  void place_preferredServerUp_honouredEvenWhenBusier_unknownOrDownIgnored() {
    placements.place("r1", null); // a
    assertEquals("a", placements.place("r2", "a").id(), "where the room was before a restart");
    assertEquals("b", placements.place("r3", "gone").id(), "a server no longer configured: least rooms");
    placements.setUp("c", false);
    assertNotEquals("c", placements.place("r4", "c").id(), "a down server is not preferred");
  }

  @Test
  void setUp_serverDown_itsRoomsMoveToTheLeastLoadedLiveServers_andNewRoomsAvoidIt() {
    placements.place("r1", null); // a
    placements.place("r2", null); // b
    placements.place("r3", null); // c
    placements.place("r4", null); // a
    List<Placements.Move> moves = placements.setUp("a", false);
    assertEquals(List.of(new Placements.Move("r1", host("a"), host("b")), new Placements.Move("r4", host("a"), host("c"))),
        moves);
    assertEquals(Map.of("a", 0, "b", 2, "c", 2), placements.roomCounts());
    assertEquals("b", placements.place("r5", null).id());
    assertEquals(List.of(), placements.setUp("a", false), "already down: nothing more moves");
    assertEquals(List.of(), placements.setUp("a", true), "back up: rooms stay where they are now");
    assertEquals("a", placements.place("r6", null).id(), "and it takes new rooms again");
  }

  @Test
  void setUp_allDown_roomsWaitWhereTheyAre_newRoomRefusedClearly_firstServerBackTakesThemAll() {
    placements.place("r1", null); // a
    placements.place("r2", null); // b
    placements.setUp("a", false); // r1 -> c (fewest)
    placements.setUp("b", false); // r2 -> c
    assertEquals(List.of(), placements.setUp("c", false));
    assertEquals("c", placements.hostOf("r1").orElseThrow().id());
    RoomException refused = assertThrows(RoomException.class, () -> placements.place("r3", null));
    assertEquals(RoomStatus.MEDIA_UNAVAILABLE, refused.status());
    assertTrue(refused.getMessage().contains("no media server is up"), refused.getMessage());

    List<Placements.Move> moves = placements.setUp("b", true);
    assertEquals(List.of("r1", "r2"), moves.stream().map(Placements.Move::roomId).toList());
    assertTrue(moves.stream().allMatch(move -> move.to().id().equals("b") && move.from().id().equals("c")));
  }

  @Test
  void setUp_singleServer_neverDown_roomsKeepIt() {
    Placements single = new Placements(List.of(host("only")));
    single.place("r1", null);
    assertEquals(List.of(), single.setUp("only", false));
    assertTrue(single.isUp("only"));
    assertEquals("only", single.place("r2", null).id());
  }

  @Test
  void remove_deletedRoom_noEntryLeft() {
    for (int i = 0; i < 50; i++) {
      placements.place("r" + i, null);
      placements.remove("r" + i);
    }
    assertEquals(Map.of("a", 0, "b", 0, "c", 0), placements.roomCounts());
    assertEquals(Optional.empty(), placements.hostOf("r1"));
  }

  @Test
  void constructor_noServerOrRepeatedId_refused() {
    assertThrows(IllegalArgumentException.class, () -> new Placements(List.of()));
    assertThrows(IllegalArgumentException.class, () -> new Placements(List.of(host("a"), host("a"))));
  }
}
