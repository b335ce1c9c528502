package space.share.room.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import space.share.room.ControllerHarness;
import space.share.room.FakeClock;
import space.share.room.FakeStreamStatus;
import space.share.room.rooms.StaticDesktopManager;
import space.share.room.rooms.StreamStatus;

/** Rooms, member sessions and history survive a restart of the controller (same H2 file). */
class RestartIT {
  @TempDir Path dataDir;

  @Test
  void restart_sameDataDir_roomsSessionsAndHistorySurvive() throws Exception {
    FakeClock clock = new FakeClock(1_767_225_600_000L);
    FakeStreamStatus streams = new FakeStreamStatus();
    String beaToken;
    String beaId;
    try (ControllerHarness first = new ControllerHarness(dataDir, clock, streams, new StaticDesktopManager(null), Map.of())) {
      first.createRoom("keep", "open-sesame");
      first.createRoom("gone", "open-sesame");
      JsonNode bea = first.join("keep", "open-sesame", "Bea");
      beaToken = bea.path("token").asText();
      beaId = bea.path("memberId").asText();
      first.call("POST", "/api/rooms/keep/control/request", beaToken, null);
      streams.set(new StreamStatus("keep", true, "avc1.64001f", 1920, 1080, 30.0, 1, "2026-01-01T00:00:00Z"));
      first.controller.poller().pollOnce();
      assertEquals(200, first.call("DELETE", "/api/rooms/gone", ControllerHarness.ADMIN, null).status());
      clock.advanceMs(60_000);
    }
    assertTrue(Files.exists(dataDir.resolve("rooms.mv.db")), "the H2 file is under room.data-dir");

    try (ControllerHarness second = new ControllerHarness(dataDir, clock, streams, new StaticDesktopManager(null), Map.of())) {
      JsonNode rooms = second.call("GET", "/api/rooms", ControllerHarness.ADMIN, null).body();
      assertEquals(1, rooms.size());
      assertEquals("keep", rooms.get(0).path("id").asText());
      assertEquals("room_deleted", second.call("GET", "/api/rooms/gone", ControllerHarness.ADMIN, null).error());
      assertEquals(410, second.call("POST", "/api/rooms/gone/join", null, Map.of("passcode", "open-sesame", "name", "X")).status());

      JsonNode config = second.call("GET", "/api/rooms/keep", beaToken, null).body();
      assertEquals(beaId, config.path("you").path("id").asText(), "Bea's session token still works");
      assertTrue(config.path("control").path("holder").isNull(), "nobody holds control after a restart");
      second.join("keep", "open-sesame", "Cy");

      second.controller.poller().pollOnce();
      streams.remove("keep");
      second.controller.poller().pollOnce();
      JsonNode history = second.call("GET", "/api/rooms/keep/history", ControllerHarness.ADMIN, null).body();
      assertEquals(1, history.path("controlGrants").size());
      JsonNode grant = history.path("controlGrants").get(0);
      assertEquals("Bea", grant.path("memberName").asText());
      assertFalse(grant.path("releasedAt").isNull(), "the grant open at shutdown was closed at restart");
      assertEquals(1, history.path("shareSessions").size(), "the live stream continued the same share session");
      assertEquals(1920, history.path("shareSessions").get(0).path("width").asInt());
      assertFalse(history.path("shareSessions").get(0).path("endedAt").isNull());
    }
  }
}
