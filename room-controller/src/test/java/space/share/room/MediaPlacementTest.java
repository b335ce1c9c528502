package space.share.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import space.share.room.rooms.DesktopManager;
import space.share.room.rooms.DesktopState;
import space.share.room.rooms.PublishTarget;
import space.share.room.rooms.Room;

/**
 * Two media servers behind the real controller (Jetty, H2), their health and streams faked, the poller on a
 * {@link FakeScheduler}: where rooms land, what members and desktops are told when a server goes down, what a
 * restart keeps.
 */
class MediaPlacementTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final long POLL_MS = 100;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every publish target a room's desktop was given, in order. */
  static final class RecordingDesktops implements DesktopManager {
    final List<Map.Entry<String, PublishTarget>> starts = new CopyOnWriteArrayList<>();

    @Override
    public void start(Room room, PublishTarget target) {
      starts.add(Map.entry(room.id(), target));
    }

    @Override
    public void stop(Room room) {}

    @Override
    public DesktopState state(String roomId) {
      return DesktopState.NONE;
    }

    @Override
    public Optional<InetSocketAddress> vncAddress(String roomId) {
      return Optional.empty();
    }

    List<String> hostsOf(String roomId) {
      return starts.stream().filter(e -> e.getKey().equals(roomId)).map(e -> e.getValue().mediaHostId()).toList();
    }
  }

  @TempDir Path dataDir;
  private final FakeClock clock = new FakeClock(1_767_225_600_000L);
  private final FakeStreamStatus streams = new FakeStreamStatus();
  private final RecordingDesktops desktops = new RecordingDesktops();
  private final Map<String, FakeMediaRevocations> revocations = Map.of("a", new FakeMediaRevocations(), "b",
      new FakeMediaRevocations());
  private FakeScheduler poller;
  private ControllerHarness harness;
  private WebSocketClient ws;

  private static Map<String, String> servers(String list) {
    Map<String, String> config = new HashMap<>(Map.of("room.media.servers", list, "room.media.down-after-failures", "3"));
    for (String id : List.of("a", "b")) {
      config.put("room.media.servers." + id + ".public-url", "https://" + id + ".media.test");
      config.put("room.media.servers." + id + ".internal-url", "http://127.0.0.1:1");
      config.put("room.media.servers." + id + ".rtmp-url", "rtmp://" + id + ".media.test/live");
      config.put("room.media.servers." + id + ".desktop-rtmp-url", "rtmp://" + id + ".internal:1935/live");
    }
    return config;
  }

  private void startController(String list) throws Exception {
    poller = new FakeScheduler();
    harness = new ControllerHarness(dataDir, clock, streams, desktops, servers(list),
        host -> revocations.get(host.id()), name -> name.equals("room-poller") ? poller : DaemonThreads.scheduler(name));
    poller.runDue();
  }

  @BeforeEach
  void start() throws Exception {
    startController("a,b");
    ws = new WebSocketClient();
    ws.start();
  }

  @AfterEach
  void stop() throws Exception {
    ws.stop();
    harness.close();
  }

  private JsonNode admin(String roomId) throws Exception {
    return harness.call("GET", "/api/rooms/" + roomId, ControllerHarness.ADMIN, null).body();
  }

  @Test
  void createRoom_twoServers_roomsSpreadAndMembersGetTheirServersUrls() throws Exception {
    JsonNode r1 = harness.createRoom("r1", "open-sesame").path("room");
    JsonNode r2 = harness.createRoom("r2", "open-sesame").path("room");
    assertEquals("a", r1.path("mediaServer").asText());
    assertEquals("b", r2.path("mediaServer").asText());
    assertEquals("rtmp://b.media.test/live/" + r2.path("streamKey").asText(), r2.path("publishUrl").asText());
    assertEquals(List.of("a"), desktops.hostsOf("r1"));
    assertEquals("rtmp://b.internal:1935/live/" + r2.path("streamKey").asText(), desktops.starts.get(1).getValue().rtmpUrl());

    JsonNode bea = harness.join("r2", "open-sesame", "Bea").path("room").path("urls");
    assertTrue(bea.path("feed").asText().startsWith("wss://b.media.test/live/r2/feed?token=m1.r2."), bea.toString());
    assertTrue(bea.path("playlist").asText().startsWith("https://b.media.test/live/r2/index.m3u8?token=m1.r2."), bea.toString());
  }

  @Test
  void serverDown_afterThreeFailedChecks_roomMoves_desktopAndMembersTold_newRoomsAvoidIt() throws Exception {
    harness.createRoom("r1", "open-sesame"); // a
    harness.createRoom("r2", "open-sesame"); // b
    JsonNode bea = harness.join("r1", "open-sesame", "Bea");
    String token = bea.path("token").asText();
    WsProbe events = WsProbe.connect(ws, harness.wsBase() + "/rooms/r1/events?token=" + token);
    events.awaitType("snapshot", WAIT);

    streams.setDown("a", true);
    poller.advanceMs(POLL_MS);
    poller.advanceMs(POLL_MS);
    assertEquals("a", admin("r1").path("mediaServer").asText(), "two failed checks: still up");
    poller.advanceMs(POLL_MS);
    assertEquals("b", admin("r1").path("mediaServer").asText());
    assertTrue(admin("r1").path("publishUrl").asText().startsWith("rtmp://b.media.test/live/r."));
    assertEquals(List.of("a", "b"), desktops.hostsOf("r1"), "the desktop is given the new target");
    assertEquals(List.of("b"), desktops.hostsOf("r2"));

    JsonNode moved = JSON.readTree(events.awaitType("media-moved", WAIT));
    assertEquals("b", moved.path("mediaServer").asText());
    assertTrue(moved.path("urls").path("feed").asText().startsWith("wss://b.media.test/live/r1/feed?token=m1.r1."
        + bea.path("memberId").asText() + "."), moved.toString());
    JsonNode again = harness.call("GET", "/api/rooms/r1", token, null).body();
    assertTrue(again.path("urls").path("feed").asText().startsWith("wss://b.media.test/"), again.toString());
    assertEquals("b", harness.createRoom("r3", "open-sesame").path("room").path("mediaServer").asText());

    streams.setDown("a", false);
    poller.advanceMs(POLL_MS);
    assertEquals("a", harness.createRoom("r4", "open-sesame").path("room").path("mediaServer").asText(),
        "back up, and the one with fewest rooms");
    assertEquals("b", admin("r1").path("mediaServer").asText(), "moved rooms stay");
  }

  @Test
  void allServersDown_createRoomRefusedWithMediaUnavailable_existingRoomsKeepTheirServer() throws Exception {
    harness.createRoom("r1", "open-sesame");
    streams.setDown("a", true);
    streams.setDown("b", true);
    for (int i = 0; i < 3; i++) {
      poller.advanceMs(POLL_MS);
    }
    ControllerHarness.Reply refused = harness.call("POST", "/api/rooms", ControllerHarness.ADMIN,
        Map.of("id", "r2", "passcode", "open-sesame"));
    assertEquals(503, refused.status());
    assertEquals("media_unavailable", refused.error());
    assertTrue(refused.body().path("message").asText().contains("no media server is up"), refused.body().toString());
    assertEquals(404, harness.call("GET", "/api/rooms/r2", ControllerHarness.ADMIN, null).status(), "nothing stored");
    String waitingOn = admin("r1").path("mediaServer").asText();
    assertTrue(List.of("a", "b").contains(waitingOn), waitingOn);
    int asked = streams.statusCalls(waitingOn);
    poller.advanceMs(POLL_MS);
    poller.advanceMs(POLL_MS);
    assertEquals(asked, streams.statusCalls(waitingOn), "a down server is not asked about streams (no timeout per room)");
    assertFalse(admin("r1").path("parts").path("mediaReachable").asBoolean());

    streams.setDown("b", false);
    poller.advanceMs(POLL_MS);
    assertEquals("b", admin("r1").path("mediaServer").asText(), "the first server back takes the waiting rooms");
    assertEquals(201, harness.call("POST", "/api/rooms", ControllerHarness.ADMIN,
        Map.of("id", "r2", "passcode", "open-sesame")).status());
  }

  @Test
  void deleteRoom_itsPlacementGoes_serverCountsOnlyLiveRooms() throws Exception {
    harness.createRoom("r1", "open-sesame"); // a
    harness.createRoom("r2", "open-sesame"); // b
    harness.createRoom("r3", "open-sesame"); // a
    for (String id : List.of("r1", "r3")) {
      assertEquals(200, harness.call("DELETE", "/api/rooms/" + id, ControllerHarness.ADMIN, null).status());
    }
    assertEquals(Map.of("a", 0, "b", 1), harness.controller.rooms().parts().placements().roomCounts());
    assertEquals("a", harness.createRoom("r4", "open-sesame").path("room").path("mediaServer").asText());
  }

  @Test
  void leave_revokedAtEveryMediaServer_notOnlyTheRoomsOwn() throws Exception {
    harness.createRoom("r1", "open-sesame"); // a
    JsonNode bea = harness.join("r1", "open-sesame", "Bea");
    assertEquals(200, harness.call("POST", "/api/rooms/r1/leave", bea.path("token").asText(), null).status());
    for (String server : List.of("a", "b")) {
      List<space.share.room.members.Revocation> accepted = revocations.get(server).awaitAccepted(1, WAIT.toMillis());
      assertEquals(bea.path("memberId").asText(), accepted.get(0).memberId(), "revoked at " + server);
    }
  }

  @Test
  void restart_placementsKeptFromTheDatabase_evenWhenAnotherOrderWouldPlaceThemElsewhere() throws Exception {
    harness.createRoom("r1", "open-sesame"); // a
    harness.close();
    desktops.starts.clear();
    startController("b,a"); // an empty b now comes first
    assertEquals("a", admin("r1").path("mediaServer").asText());
    assertEquals(List.of("a"), desktops.hostsOf("r1"));
    assertEquals("b", harness.createRoom("r2", "open-sesame").path("room").path("mediaServer").asText());
  }
}
