package space.share.room.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import space.share.room.ControllerHarness;
import space.share.room.FakeClock;
import space.share.room.FakeStreamStatus;
import space.share.room.WsProbe;
import space.share.room.rooms.StaticDesktopManager;

/**
 * Drawing and pointing over real WebSockets: the controller's Jetty, Jetty's WebSocket client as three
 * members. One draws, the others receive it; a late joiner gets it in the snapshot; a pointer is taken
 * only from the member in control.
 */
class OverlaySocketIT {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;
  private ControllerHarness harness;
  private WebSocketClient wsClient;

  @BeforeEach
  void start() throws Exception {
    harness = new ControllerHarness(dataDir, new FakeClock(System.currentTimeMillis()), new FakeStreamStatus(),
        new StaticDesktopManager(null), Map.of());
    wsClient = new WebSocketClient();
    wsClient.start();
  }

  @AfterEach
  void stop() throws Exception {
    wsClient.stop();
    harness.close();
  }

  /** The next message whose top-level type is {@code type} (others skipped). */
  static JsonNode next(WsProbe probe, String type) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      String text = leftMs <= 0 ? null : probe.texts.poll(leftMs, TimeUnit.MILLISECONDS);
      if (text == null) {
        throw new AssertionError("no \"" + type + "\" within " + WAIT);
      }
      JsonNode node = JSON.readTree(text);
      if (node.path("type").asText().equals(type)) {
        return node;
      }
    }
  }

  WsProbe events(String token) throws Exception {
    WsProbe probe = WsProbe.connect(wsClient, harness.wsBase() + "/rooms/room1/events?token=" + token);
    next(probe, "snapshot");
    return probe;
  }

  static void send(WsProbe probe, String text) throws Exception {
    probe.session().sendText(text, org.eclipse.jetty.websocket.api.Callback.NOOP);
  }

  @Test
  void annotate_twoMembersAndALateJoiner_allSeeTheStroke() throws Exception {
    JsonNode created = harness.createRoom("room1", "open-sesame");
    String ownerToken = created.path("owner").path("token").asText();
    JsonNode bea = harness.join("room1", "open-sesame", "Bea");
    WsProbe owner = events(ownerToken);
    WsProbe beaEvents = events(bea.path("token").asText());

    send(beaEvents, "{\"type\":\"annotate\",\"id\":\"b-1\",\"tool\":\"arrow\",\"color\":\"#00FF00\",\"width\":6,"
        + "\"points\":[[0.25,0.25],[0.75,0.5]]}");
    JsonNode seen = next(owner, "annotation");
    assertEquals("b-1", seen.path("id").asText());
    assertEquals(bea.path("memberId").asText(), seen.path("author").asText());
    assertEquals("Bea", seen.path("name").asText());
    assertEquals("arrow", seen.path("tool").asText());
    assertEquals("#00ff00", seen.path("color").asText());
    assertEquals(0.75, seen.path("points").get(1).get(0).asDouble());
    assertEquals("b-1", next(beaEvents, "annotation").path("id").asText(), "the author gets it back too (other tabs)");

    JsonNode cai = harness.join("room1", "open-sesame", "Cai");
    WsProbe late = WsProbe.connect(wsClient, harness.wsBase() + "/rooms/room1/events?token=" + cai.path("token").asText());
    JsonNode snapshot = next(late, "snapshot");
    assertEquals(1, snapshot.path("annotations").size(), snapshot.toString());
    assertEquals("b-1", snapshot.path("annotations").get(0).path("id").asText());

    send(beaEvents, "{\"type\":\"annotation-clear\"}");
    assertEquals(bea.path("memberId").asText(), next(late, "annotations-cleared").path("author").asText());
    WsProbe later = WsProbe.connect(wsClient, harness.wsBase() + "/rooms/room1/events?token=" + cai.path("token").asText());
    assertEquals(0, next(later, "snapshot").path("annotations").size());
  }

  @Test
  void cursor_nonHolderRefused_holderReachesTheOthers() throws Exception {
    JsonNode created = harness.createRoom("room1", "open-sesame");
    String ownerToken = created.path("owner").path("token").asText();
    JsonNode bea = harness.join("room1", "open-sesame", "Bea");
    String beaToken = bea.path("token").asText();
    WsProbe owner = events(ownerToken);
    WsProbe beaEvents = events(beaToken);

    send(beaEvents, "{\"type\":\"cursor\",\"x\":0.5,\"y\":0.5}");
    JsonNode error = next(beaEvents, "error");
    assertEquals("not_in_control", error.path("error").asText());
    assertEquals("cursor", error.path("ref").asText());
    assertTrue(beaEvents.session().isOpen(), "a refusal leaves the socket open");

    harness.call("POST", "/api/rooms/room1/control/request", beaToken, null);
    next(owner, "control");
    send(beaEvents, "{\"type\":\"cursor\",\"x\":0.125,\"y\":0.875}");
    JsonNode cursor = next(owner, "cursor");
    assertEquals(bea.path("memberId").asText(), cursor.path("memberId").asText());
    assertEquals("Bea", cursor.path("name").asText());
    assertEquals(0.125, cursor.path("x").asDouble());
    assertEquals(0.875, cursor.path("y").asDouble());

    harness.call("POST", "/api/rooms/room1/control/take", ownerToken, null);
    assertEquals(bea.path("memberId").asText(), next(owner, "cursor-gone").path("memberId").asText());
  }

  @Test
  void received_longAndMalformedMessages_answeredWithErrorsSocketKept() throws Exception {
    JsonNode created = harness.createRoom("room1", "open-sesame");
    WsProbe owner = events(created.path("owner").path("token").asText());
    send(owner, "{\"type\":\"annotate\",\"pad\":\"" + "x".repeat(40_000) + "\"}"); // above 32 K, below Jetty's 64 K
    assertEquals("payload_too_large", next(owner, "error").path("error").asText());
    send(owner, "{\"type\":\"annotate\",\"id\":\"a\",\"tool\":\"pen\",\"color\":\"#000000\",\"width\":999,\"points\":[[0,0]]}");
    JsonNode error = next(owner, "error");
    assertEquals("bad_request", error.path("error").asText());
    assertTrue(error.path("message").asText().contains("width"), error.toString());
    assertFalse(owner.closeCode.isDone());
    send(owner, "{\"type\":\"annotate\",\"id\":\"ok\",\"tool\":\"pen\",\"color\":\"#000000\",\"width\":3,\"points\":[[0,0]]}");
    assertEquals("ok", next(owner, "annotation").path("id").asText());
    assertNull(owner.closeCode.getNow(null));
  }
}
