package space.share.room.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import space.share.room.Await;
import space.share.room.ControllerHarness.Reply;
import space.share.room.ControllerHarness;
import space.share.room.FakeClock;
import space.share.room.FakeStreamStatus;
import space.share.room.WsProbe;
import space.share.room.rooms.StaticDesktopManager;
import space.share.room.rooms.StreamStatus;
import space.share.room.token.TokenSigner;

/** Every API call and every refusal, against a real Jetty and a real H2 file; fake clock and media server. */
class RoomApiTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String ADMIN = ControllerHarness.ADMIN;

  @TempDir Path dataDir;
  private final FakeClock clock = new FakeClock(1_767_225_600_000L);
  private final FakeStreamStatus streams = new FakeStreamStatus();
  private ControllerHarness harness;
  private WebSocketClient wsClient;

  @BeforeEach
  void start() throws Exception {
    harness = new ControllerHarness(dataDir, clock, streams, new StaticDesktopManager(null),
        Map.of("room.join.max-failures-per-client", "3", "room.control.idle-pass-ms", "30000",
            "room.events.ping-interval-ms", "300"));
    wsClient = new WebSocketClient();
    wsClient.start();
  }

  @AfterEach
  void stop() throws Exception {
    wsClient.stop();
    harness.close();
  }

  // ---------------------------------------------------------------- dashboard (admin)

  @Test
  void createRoom_admin_returnsPasscodeOnceStreamKeyAndOwnerSession() throws Exception {
    JsonNode created = harness.createRoom("room1", "open-sesame");
    assertEquals("open-sesame", created.path("passcode").asText());
    assertEquals(new TokenSigner(ControllerHarness.SECRET).streamKey("room1"), created.path("room").path("streamKey").asText());
    assertEquals("rtmp://localhost:1935/live/" + created.path("room").path("streamKey").asText(),
        created.path("room").path("publishUrl").asText());
    assertTrue(created.path("owner").path("room").path("you").path("owner").asBoolean());
    assertFalse(created.path("owner").path("token").asText().isEmpty());
  }

  @Test
  void createRoom_noIdNoPasscode_generatesBoth() throws Exception {
    Reply reply = harness.call("POST", "/api/rooms", ADMIN, Map.of("name", "Movie night"));
    assertEquals(201, reply.status());
    String id = reply.body().path("room").path("id").asText();
    assertTrue(TokenSigner.ROOM_ID.matcher(id).matches(), id);
    assertEquals(8, reply.body().path("passcode").asText().length());
    harness.join(id, reply.body().path("passcode").asText(), "Bea");
  }

  @Test
  void createRoom_noAdminToken_401WithJsonErrorShape() throws Exception {
    Reply reply = harness.call("POST", "/api/rooms", null, Map.of("name", "x"));
    assertEquals(401, reply.status());
    assertEquals("unauthorized", reply.error());
    assertFalse(reply.body().path("message").asText().isEmpty());
    assertEquals("application/json; charset=utf-8", reply.raw().headers().firstValue("content-type").orElse(""));
  }

  @Test
  void createRoom_memberTokenOrWrongAdminToken_403() throws Exception {
    JsonNode created = harness.createRoom("room1", "open-sesame");
    String ownerToken = created.path("owner").path("token").asText();
    assertEquals("forbidden", harness.call("POST", "/api/rooms", ownerToken, Map.of("name", "x")).error());
    assertEquals(403, harness.call("GET", "/api/rooms", "not-the-admin", null).status());
    assertEquals(403, harness.call("DELETE", "/api/rooms/room1", ownerToken, null).status());
  }

  @Test
  void createRoom_takenId_409() throws Exception {
    harness.createRoom("room1", "open-sesame");
    Reply reply = harness.call("POST", "/api/rooms", ADMIN, Map.of("id", "room1", "passcode", "abcdef"));
    assertEquals(409, reply.status());
    assertEquals("conflict", reply.error());
  }

  @Test
  void createRoom_badInput_400or413() throws Exception {
    assertEquals("bad_request", harness.call("POST", "/api/rooms", ADMIN, Map.of("id", "Bad.Id")).error());
    assertEquals("bad_request", harness.call("POST", "/api/rooms", ADMIN, Map.of("passcode", "abc")).error());
    assertEquals("bad_request", harness.call("POST", "/api/rooms", ADMIN, Map.of("colour", "red")).error());
    assertEquals("bad_request", harness.call("POST", "/api/rooms", ADMIN, "{not json").error());
    Reply big = harness.call("POST", "/api/rooms", ADMIN, Map.of("name", "x".repeat(20_000)));
    assertEquals(413, big.status());
    assertEquals("payload_too_large", big.error());
  }

  @Test
  void listRooms_admin_listsLiveRoomsWithoutPasscodes() throws Exception {
    harness.createRoom("room1", "open-sesame");
    harness.createRoom("room2", "open-sesame");
    Reply reply = harness.call("GET", "/api/rooms", ADMIN, null);
    assertEquals(200, reply.status());
    assertEquals(2, reply.body().size());
    assertEquals("room1", reply.body().get(0).path("id").asText());
    assertFalse(reply.raw().body().contains("open-sesame"));
    assertFalse(reply.raw().body().contains("passcode"));
  }

  @Test
  void deleteRoom_admin_roomGoneForMembersAndJoins() throws Exception {
    harness.createRoom("room1", "open-sesame");
    String token = harness.join("room1", "open-sesame", "Bea").path("token").asText();
    assertEquals(200, harness.call("DELETE", "/api/rooms/room1", ADMIN, null).status());
    assertEquals("room_deleted", harness.call("GET", "/api/rooms/room1", token, null).error());
    assertEquals(410, harness.call("POST", "/api/rooms/room1/control/request", token, null).status());
    Reply join = harness.call("POST", "/api/rooms/room1/join", null, Map.of("passcode", "open-sesame", "name", "Cy"));
    assertEquals(410, join.status());
    assertEquals("room_deleted", join.error());
    assertEquals(0, harness.call("GET", "/api/rooms", ADMIN, null).body().size());
    assertEquals(410, harness.call("DELETE", "/api/rooms/room1", ADMIN, null).status());
    assertEquals(409, harness.call("POST", "/api/rooms", ADMIN, Map.of("id", "room1")).status(), "ids stay taken");
  }

  @Test
  void deleteRoom_unknown_404() throws Exception {
    assertEquals("not_found", harness.call("DELETE", "/api/rooms/nope", ADMIN, null).error());
  }

  // ---------------------------------------------------------------- join and member tokens

  @Test
  void join_rightPasscode_sessionWithMediaUrlsTheMediaServerAccepts() throws Exception {
    harness.createRoom("room1", "open-sesame");
    JsonNode session = harness.join("room1", "open-sesame", "Bea");
    String memberId = session.path("memberId").asText();
    JsonNode urls = session.path("room").path("urls");
    String feed = urls.path("feed").asText();
    assertTrue(feed.startsWith("ws://media.test:8081/live/room1/feed?token=m1.room1." + memberId + "."), feed);
    assertTrue(urls.path("playlist").asText().startsWith("http://media.test:8081/live/room1/index.m3u8?token=m1.room1."));
    assertEquals("ws://rooms.test:8080/rooms/room1/events", urls.path("events").asText());
    assertEquals("ws://rooms.test:8080/rooms/room1/vnc", urls.path("vnc").asText());
    String mediaToken = feed.substring(feed.indexOf("token=") + 6);
    assertEquals(Optional.of(memberId), new TokenSigner(ControllerHarness.SECRET)
        .verifyMediaToken(mediaToken, "room1", clock.millis() / 1000));
  }

  @Test
  void getConfiguration_member_neverShowsPasscodeOrStreamKey() throws Exception {
    JsonNode created = harness.createRoom("room1", "open-sesame");
    String streamKey = created.path("room").path("streamKey").asText();
    String token = harness.join("room1", "open-sesame", "Bea").path("token").asText();
    Reply reply = harness.call("GET", "/api/rooms/room1", token, null);
    assertEquals(200, reply.status());
    assertEquals("Room room1", reply.body().path("name").asText());
    assertEquals(2, reply.body().path("members").size());
    assertEquals("none", reply.body().path("parts").path("desktop").asText());
    assertFalse(reply.body().path("parts").path("streamLive").asBoolean());
    assertFalse(reply.raw().body().contains("open-sesame"));
    assertFalse(reply.raw().body().contains(streamKey));
    assertFalse(reply.raw().body().contains("passcode"));
    assertFalse(reply.raw().body().contains("streamKey"));
  }

  @Test
  void join_wrongPasscode_403WrongPasscode() throws Exception {
    harness.createRoom("room1", "open-sesame");
    Reply reply = harness.call("POST", "/api/rooms/room1/join", null, Map.of("passcode", "guess", "name", "Eve"));
    assertEquals(403, reply.status());
    assertEquals("wrong_passcode", reply.error());
  }

  @Test
  void join_unknownRoom_404() throws Exception {
    Reply reply = harness.call("POST", "/api/rooms/nope/join", null, Map.of("passcode", "guess", "name", "Eve"));
    assertEquals(404, reply.status());
  }

  @Test
  void join_missingName_400() throws Exception {
    harness.createRoom("room1", "open-sesame");
    assertEquals("bad_request", harness.call("POST", "/api/rooms/room1/join", null, Map.of("passcode", "open-sesame")).error());
  }

  @Test
  void join_repeatedWrongPasscodes_throttled429EvenWithTheRightOne() throws Exception {
    harness.createRoom("room1", "open-sesame");
    for (int i = 0; i < 3; i++) {
      assertEquals(403, harness.call("POST", "/api/rooms/room1/join", null, Map.of("passcode", "guess" + i, "name", "Eve")).status());
    }
    Reply reply = harness.call("POST", "/api/rooms/room1/join", null, Map.of("passcode", "open-sesame", "name", "Eve"));
    assertEquals(429, reply.status());
    assertEquals("too_many_attempts", reply.error());
    assertTrue(Long.parseLong(reply.raw().headers().firstValue("retry-after").orElse("0")) > 0);
    clock.advanceMs(60_000);
    assertEquals(200, harness.call("POST", "/api/rooms/room1/join", null, Map.of("passcode", "open-sesame", "name", "Eve")).status());
  }

  @Test
  void join_withAdminToken_ownerSessionWithoutPasscode() throws Exception {
    harness.createRoom("room1", "open-sesame");
    Reply reply = harness.call("POST", "/api/rooms/room1/join", ADMIN, Map.of("name", "Olive again"));
    assertEquals(200, reply.status());
    assertTrue(reply.body().path("room").path("you").path("owner").asBoolean());
  }

  @Test
  void memberCall_noToken_401() throws Exception {
    harness.createRoom("room1", "open-sesame");
    Reply reply = harness.call("GET", "/api/rooms/room1", null, null);
    assertEquals(401, reply.status());
    assertEquals("Bearer", reply.raw().headers().firstValue("www-authenticate").orElse(""));
  }

  @Test
  void memberCall_unknownToken_401() throws Exception {
    harness.createRoom("room1", "open-sesame");
    assertEquals("unauthorized", harness.call("GET", "/api/rooms/room1", "made-up", null).error());
  }

  @Test
  void memberCall_expiredToken_401TokenExpired() throws Exception {
    harness.createRoom("room1", "open-sesame");
    String token = harness.join("room1", "open-sesame", "Bea").path("token").asText();
    clock.advanceMs(12 * 3600 * 1000L);
    Reply reply = harness.call("GET", "/api/rooms/room1", token, null);
    assertEquals(401, reply.status());
    assertEquals("token_expired", reply.error());
  }

  @Test
  void memberCall_tokenOfAnotherRoom_403Forbidden() throws Exception {
    harness.createRoom("room1", "open-sesame");
    harness.createRoom("room2", "open-sesame");
    String token = harness.join("room1", "open-sesame", "Bea").path("token").asText();
    assertEquals("forbidden", harness.call("GET", "/api/rooms/room2", token, null).error());
    assertEquals("forbidden", harness.call("POST", "/api/rooms/room2/control/request", token, null).error());
    assertEquals("forbidden", harness.call("POST", "/api/rooms/room2/vnc-token", token, null).error());
  }

  @Test
  void leave_member_tokenNoLongerWorksAndControlPasses() throws Exception {
    harness.createRoom("room1", "open-sesame");
    JsonNode bea = harness.join("room1", "open-sesame", "Bea");
    JsonNode cy = harness.join("room1", "open-sesame", "Cy");
    String beaToken = bea.path("token").asText();
    String cyToken = cy.path("token").asText();
    harness.call("POST", "/api/rooms/room1/control/request", beaToken, null);
    harness.call("POST", "/api/rooms/room1/control/request", cyToken, null);
    assertEquals(200, harness.call("POST", "/api/rooms/room1/leave", beaToken, null).status());
    assertEquals("unauthorized", harness.call("GET", "/api/rooms/room1", beaToken, null).error());
    Reply config = harness.call("GET", "/api/rooms/room1", cyToken, null);
    assertEquals(cy.path("memberId").asText(), config.body().path("control").path("holder").asText());
    assertEquals(2, config.body().path("members").size(), "owner and Cy");
  }

  // ---------------------------------------------------------------- control

  @Test
  void control_requestGiveReleaseTake_followsTheModel() throws Exception {
    JsonNode created = harness.createRoom("room1", "open-sesame");
    String owner = created.path("owner").path("token").asText();
    JsonNode bea = harness.join("room1", "open-sesame", "Bea");
    JsonNode cy = harness.join("room1", "open-sesame", "Cy");
    String beaId = bea.path("memberId").asText();
    String cyId = cy.path("memberId").asText();
    String beaToken = bea.path("token").asText();
    String cyToken = cy.path("token").asText();

    Reply granted = harness.call("POST", "/api/rooms/room1/control/request", beaToken, null);
    assertEquals(beaId, granted.body().path("holder").asText());

    Reply queued = harness.call("POST", "/api/rooms/room1/control/request", cyToken, null);
    assertEquals(beaId, queued.body().path("holder").asText());
    assertEquals(cyId, queued.body().path("pending").get(0).asText());

    Reply notHolder = harness.call("POST", "/api/rooms/room1/control/give", cyToken, Map.of("memberId", cyId));
    assertEquals(403, notHolder.status());
    assertEquals("not_in_control", notHolder.error());

    Reply badTarget = harness.call("POST", "/api/rooms/room1/control/give", beaToken, Map.of("memberId", "nobody"));
    assertEquals("bad_request", badTarget.error());

    Reply given = harness.call("POST", "/api/rooms/room1/control/give", beaToken, Map.of("memberId", cyId));
    assertEquals(cyId, given.body().path("holder").asText());
    assertEquals(0, given.body().path("pending").size());

    Reply takeByMember = harness.call("POST", "/api/rooms/room1/control/take", beaToken, null);
    assertEquals(403, takeByMember.status());
    assertEquals("forbidden", takeByMember.error());

    String ownerId = created.path("owner").path("memberId").asText();
    Reply taken = harness.call("POST", "/api/rooms/room1/control/take", owner, null);
    assertEquals(ownerId, taken.body().path("holder").asText());

    Reply releasedByOther = harness.call("POST", "/api/rooms/room1/control/release", cyToken, null);
    assertEquals("not_in_control", releasedByOther.error());

    Reply released = harness.call("POST", "/api/rooms/room1/control/release", owner, null);
    assertTrue(released.body().path("holder").isNull());

    JsonNode history = harness.call("GET", "/api/rooms/room1/history", ADMIN, null).body();
    assertEquals(3, history.path("controlGrants").size());
    assertEquals("request", history.path("controlGrants").get(0).path("reason").asText());
    assertEquals("Bea", history.path("controlGrants").get(0).path("memberName").asText());
    assertEquals("give", history.path("controlGrants").get(1).path("reason").asText());
    assertEquals("take", history.path("controlGrants").get(2).path("reason").asText());
    assertFalse(history.path("controlGrants").get(2).path("releasedAt").isNull());
  }

  @Test
  void control_holderIdle_pendingRequestTakesOverAfterIdlePass() throws Exception {
    harness.createRoom("room1", "open-sesame");
    String bea = harness.join("room1", "open-sesame", "Bea").path("token").asText();
    JsonNode cy = harness.join("room1", "open-sesame", "Cy");
    harness.call("POST", "/api/rooms/room1/control/request", bea, null);
    harness.call("POST", "/api/rooms/room1/control/request", cy.path("token").asText(), null);
    clock.advanceMs(29_999);
    harness.controller.rooms().control().tickControl();
    assertFalse(harness.controller.rooms().control().holdsControl("room1", cy.path("memberId").asText()));
    clock.advanceMs(1);
    harness.controller.rooms().control().tickControl();
    assertTrue(harness.controller.rooms().control().holdsControl("room1", cy.path("memberId").asText()));
  }

  @Test
  void history_nonAdmin_403() throws Exception {
    JsonNode created = harness.createRoom("room1", "open-sesame");
    assertEquals(403, harness.call("GET", "/api/rooms/room1/history", created.path("owner").path("token").asText(), null).status());
  }

  // ---------------------------------------------------------------- VNC tokens

  @Test
  void vncToken_memberWithoutControl_403NotInControl() throws Exception {
    harness.createRoom("room1", "open-sesame");
    String bea = harness.join("room1", "open-sesame", "Bea").path("token").asText();
    Reply reply = harness.call("POST", "/api/rooms/room1/vnc-token", bea, null);
    assertEquals(403, reply.status());
    assertEquals("not_in_control", reply.error());
  }

  @Test
  void vncToken_holder_tokenAndNoVncUrl() throws Exception {
    harness.createRoom("room1", "open-sesame");
    String bea = harness.join("room1", "open-sesame", "Bea").path("token").asText();
    harness.call("POST", "/api/rooms/room1/control/request", bea, null);
    Reply reply = harness.call("POST", "/api/rooms/room1/vnc-token", bea, null);
    assertEquals(200, reply.status());
    String token = reply.body().path("token").asText();
    assertEquals("ws://rooms.test:8080/rooms/room1/vnc?token=" + token, reply.body().path("url").asText());
    assertEquals(10_000, reply.body().path("expiresInMs").asLong());
  }

  @Test
  void vncSocket_tokenRefusals_closeWithCodes() throws Exception {
    harness.createRoom("room1", "open-sesame");
    String bea = harness.join("room1", "open-sesame", "Bea").path("token").asText();
    harness.call("POST", "/api/rooms/room1/control/request", bea, null);

    WsProbe noToken = WsProbe.connect(wsClient, harness.wsBase() + "/rooms/room1/vnc", "binary");
    assertEquals(4403, noToken.awaitClose(WAIT));

    String token = harness.call("POST", "/api/rooms/room1/vnc-token", bea, null).body().path("token").asText();
    WsProbe noServer = WsProbe.connect(wsClient, harness.wsBase() + "/rooms/room1/vnc?token=" + token, "binary");
    assertEquals(4502, noServer.awaitClose(WAIT), "this room has no VNC server");
    WsProbe reused = WsProbe.connect(wsClient, harness.wsBase() + "/rooms/room1/vnc?token=" + token, "binary");
    assertEquals(4403, reused.awaitClose(WAIT));
    assertTrue(reused.closeReason.get().startsWith("vnc_token_invalid"));

    String expired = harness.call("POST", "/api/rooms/room1/vnc-token", bea, null).body().path("token").asText();
    clock.advanceMs(10_000);
    assertEquals(4403, WsProbe.connect(wsClient, harness.wsBase() + "/rooms/room1/vnc?token=" + expired, "binary").awaitClose(WAIT));
  }

  // ---------------------------------------------------------------- events

  @Test
  void eventSocket_member_snapshotThenJoinControlStreamEvents() throws Exception {
    JsonNode created = harness.createRoom("room1", "open-sesame");
    String owner = created.path("owner").path("token").asText();
    WsProbe events = WsProbe.connect(wsClient, harness.wsBase() + "/rooms/room1/events?token=" + owner);
    String snapshot = events.awaitType("snapshot", WAIT);
    assertTrue(snapshot.contains("\"id\":\"room1\""), snapshot);
    assertFalse(snapshot.contains("open-sesame"));

    JsonNode bea = harness.join("room1", "open-sesame", "Bea");
    assertTrue(events.awaitType("member-joined", WAIT).contains("\"name\":\"Bea\""));
    String beaToken = bea.path("token").asText();
    harness.call("POST", "/api/rooms/room1/control/request", owner, null);
    assertTrue(events.awaitType("control", WAIT).contains("\"reason\":\"request\""));
    harness.call("POST", "/api/rooms/room1/control/request", beaToken, null);
    assertTrue(events.awaitType("control-requested", WAIT).contains(bea.path("memberId").asText()));

    streams.set(new StreamStatus("room1", true, "avc1.64001f,mp4a.40.2", 1280, 720, 30.0, 2, "2026-01-01T00:00:00Z"));
    String live = events.awaitType("stream", WAIT);
    assertTrue(live.contains("\"live\":true") && live.contains("\"width\":1280"), live);
    streams.remove("room1");
    assertTrue(events.awaitType("stream", WAIT).contains("\"live\":false"));

    JsonNode history = harness.call("GET", "/api/rooms/room1/history", ADMIN, null).body();
    JsonNode share = history.path("shareSessions").get(0);
    assertEquals(1280, share.path("width").asInt());
    assertEquals("avc1.64001f,mp4a.40.2", share.path("codecs").asText());
    assertNotNull(share.path("endedAt").textValue());

    harness.call("DELETE", "/api/rooms/room1", ADMIN, null);
    events.awaitType("room-deleted", WAIT);
    assertEquals(4410, events.awaitClose(WAIT));
  }

  @Test
  void eventSocket_quietRoom_pingedAndKeptOpenPastIdleTimeout() throws Exception {
    JsonNode created = harness.createRoom("room1", "open-sesame");
    WsProbe events = WsProbe.connect(wsClient, harness.wsBase() + "/rooms/room1/events?token="
        + created.path("owner").path("token").asText());
    events.awaitType("snapshot", WAIT);
    // Pings every 300 ms: the fourth arrives past the 900 ms idle timeout (3 ping intervals) after the snapshot.
    Await.until(() -> events.pings.get() >= 4, WAIT, "four pings (" + events.pings.get() + " so far)");
    assertTrue(events.session().isOpen());
    assertFalse(events.closeCode.isDone());
  }

  @Test
  void eventSocket_badOrForeignToken_closed() throws Exception {
    harness.createRoom("room1", "open-sesame");
    harness.createRoom("room2", "open-sesame");
    String bea = harness.join("room1", "open-sesame", "Bea").path("token").asText();
    assertEquals(4401, WsProbe.connect(wsClient, harness.wsBase() + "/rooms/room1/events?token=nope").awaitClose(WAIT));
    assertEquals(4403, WsProbe.connect(wsClient, harness.wsBase() + "/rooms/room2/events?token=" + bea).awaitClose(WAIT));
  }

  @Test
  void mediaServerUnreachable_partsSayUnreachableAndStateKept() throws Exception {
    harness.createRoom("room1", "open-sesame");
    String bea = harness.join("room1", "open-sesame", "Bea").path("token").asText();
    streams.setReachable(false);
    harness.controller.poller().pollOnce();
    assertFalse(harness.call("GET", "/api/rooms/room1", bea, null).body().path("parts").path("mediaReachable").asBoolean());
    streams.setReachable(true);
    harness.controller.poller().pollOnce();
    assertTrue(harness.call("GET", "/api/rooms/room1", bea, null).body().path("parts").path("mediaReachable").asBoolean());
  }

  // ---------------------------------------------------------------- caps and expiry

  private void restartWith(Map<String, String> extra) throws Exception {
    harness.close();
    Map<String, String> config = new java.util.HashMap<>(Map.of("room.join.max-failures-per-client", "3",
        "room.events.ping-interval-ms", "300"));
    config.putAll(extra);
    harness = new ControllerHarness(dataDir, clock, streams, new StaticDesktopManager(null), config);
  }

  @Test
  void join_roomAtItsMemberCap_409RoomFull() throws Exception {
    restartWith(Map.of("room.members.max-per-room", "2"));
    harness.createRoom("room1", "open-sesame");
    harness.join("room1", "open-sesame", "Bea");
    Reply reply = harness.call("POST", "/api/rooms/room1/join", null, Map.of("passcode", "open-sesame", "name", "Cy"));
    assertEquals(409, reply.status());
    assertEquals("room_full", reply.error());
    assertTrue(reply.body().path("message").asText().contains("2 members"), reply.body().toString());
    assertEquals(200, harness.call("POST", "/api/rooms/room1/join", ADMIN, Map.of("name", "Olive again")).status(),
        "the admin credential still gets in");
  }

  @Test
  void createRoom_atTheRoomCap_409TooManyRooms() throws Exception {
    restartWith(Map.of("room.max-rooms", "1"));
    harness.createRoom("room1", "open-sesame");
    Reply reply = harness.call("POST", "/api/rooms", ADMIN, Map.of("id", "room2", "passcode", "open-sesame"));
    assertEquals(409, reply.status());
    assertEquals("too_many_rooms", reply.error());
    assertEquals(200, harness.call("DELETE", "/api/rooms/room1", ADMIN, null).status());
    assertEquals(201, harness.call("POST", "/api/rooms", ADMIN, Map.of("id", "room2", "passcode", "open-sesame")).status());
  }

  @Test
  void eventSocket_overTheMemberCap_closed4429TooManySockets() throws Exception {
    restartWith(Map.of("room.events.max-sockets-per-member", "2"));
    String owner = harness.createRoom("room1", "open-sesame").path("owner").path("token").asText();
    String url = harness.wsBase() + "/rooms/room1/events?token=" + owner;
    WsProbe.connect(wsClient, url).awaitType("snapshot", WAIT);
    WsProbe.connect(wsClient, url).awaitType("snapshot", WAIT);
    WsProbe third = WsProbe.connect(wsClient, url);
    assertEquals(4429, third.awaitClose(WAIT));
    assertTrue(third.closeReason.get().startsWith("too_many_sockets"), third.closeReason.get());
  }

  @Test
  void eventSocket_memberSessionExpires_closed4401TokenExpiredWithinASecond() throws Exception {
    harness.createRoom("room1", "open-sesame");
    String bea = harness.join("room1", "open-sesame", "Bea").path("token").asText();
    clock.advanceMs(12 * 3600 * 1000L - 5_000);
    WsProbe events = WsProbe.connect(wsClient, harness.wsBase() + "/rooms/room1/events?token=" + bea);
    events.awaitType("snapshot", WAIT);
    clock.advanceMs(5_000); // the session's expiry; the controller checks every second
    assertEquals(4401, events.awaitClose(WAIT));
    assertTrue(events.closeReason.get().startsWith("token_expired"), events.closeReason.get());
  }

  // ---------------------------------------------------------------- misc

  @Test
  void staticFiles_classpathPlayerFolder_servedAtRoot() throws Exception {
    Reply index = harness.call("GET", "/", null, null);
    assertEquals(200, index.status());
    assertTrue(index.raw().body().contains("<title>test player</title>"));
    assertTrue(index.raw().headers().firstValue("content-type").orElse("").startsWith("text/html"));
    assertEquals(200, harness.call("GET", "/index.html", null, null).status());
  }

  @Test
  void staticFiles_hashedChunksCachedForGood_everythingElseRevalidated() throws Exception {
    Reply chunk = harness.call("GET", "/js/chunks/chunk-TEST1234.js", null, null);
    assertEquals(200, chunk.status());
    assertEquals("public, max-age=31536000, immutable", chunk.raw().headers().firstValue("cache-control").orElse(""));
    Reply page = harness.call("GET", "/index.html", null, null);
    assertEquals("no-cache", page.raw().headers().firstValue("cache-control").orElse(""));
    assertTrue(page.raw().headers().firstValue("etag").isPresent(), "an ETag to revalidate with");
    assertEquals(404, harness.call("GET", "/js/chunks/none.js", null, null).status());
  }

  @Test
  void unknownEndpointAndWrongMethod_jsonErrors() throws Exception {
    harness.createRoom("room1", "open-sesame");
    assertEquals("not_found", harness.call("GET", "/api/nothing", ADMIN, null).error());
    assertEquals("not_found", harness.call("POST", "/api/rooms/room1/dance", ADMIN, null).error());
    assertEquals("method_not_allowed", harness.call("PUT", "/api/rooms", ADMIN, null).error());
    assertEquals("method_not_allowed", harness.call("GET", "/api/rooms/room1/join", ADMIN, null).error());
    assertEquals(404, harness.call("GET", "/no-such-page.html", null, null).status());
    assertEquals(200, harness.call("GET", "/healthz", null, null).status());
  }
}
