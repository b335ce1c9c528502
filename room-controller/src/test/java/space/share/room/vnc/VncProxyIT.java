package space.share.room.vnc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import space.share.room.ControllerHarness;
import space.share.room.FakeClock;
import space.share.room.FakeStreamStatus;
import space.share.room.WsProbe;

/**
 * The VNC proxy against a real x11vnc on a real Xvfb display: the holder completes an RFB handshake
 * through the WebSocket proxy and its pointer and key events reach the X display; control passing
 * closes the old holder's connection; members without control get no VNC connection.
 */
class VncProxyIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir static Path workDir;
  private static X11Desktop desktop;
  private static ControllerHarness harness;
  private static WebSocketClient wsClient;

  @BeforeAll
  static void start() throws Exception {
    desktop = new X11Desktop(workDir);
    harness = new ControllerHarness(workDir.resolve("data"), new FakeClock(System.currentTimeMillis()),
        new FakeStreamStatus(), desktop, Map.of("room.vnc.probe-interval-ms", "2000"));
    wsClient = new WebSocketClient();
    wsClient.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (wsClient != null) {
      wsClient.stop();
    }
    if (harness != null) {
      harness.close();
    }
    if (desktop != null) {
      desktop.close();
    }
  }

  private WsProbe openVnc(String roomId, String memberToken) throws Exception {
    String token = harness.call("POST", "/api/rooms/" + roomId + "/vnc-token", memberToken, null).body().path("token").asText();
    return WsProbe.connect(wsClient, harness.wsBase() + "/rooms/" + roomId + "/vnc?token=" + token, "binary");
  }

  @Test
  void vncProxy_holderTypesAndPoints_eventsReachTheXDisplay_controlPassClosesOldHolder() throws Exception {
    harness.createRoom("vnc1", "open-sesame");
    JsonNode alice = harness.join("vnc1", "open-sesame", "Alice");
    JsonNode bob = harness.join("vnc1", "open-sesame", "Bob");
    String aliceToken = alice.path("token").asText();
    String bobToken = bob.path("token").asText();

    // Bob, without control, gets neither a token nor a connection.
    assertEquals("not_in_control", harness.call("POST", "/api/rooms/vnc1/vnc-token", bobToken, null).error());

    harness.call("POST", "/api/rooms/vnc1/control/request", aliceToken, null);
    WsProbe aliceWs = openVnc("vnc1", aliceToken);
    assertEquals("binary", aliceWs.session().getUpgradeResponse().getAcceptedSubProtocol());
    RfbClient rfb = new RfbClient(aliceWs);
    rfb.handshake();
    assertEquals(X11Desktop.WIDTH, rfb.width);
    assertEquals(X11Desktop.HEIGHT, rfb.height);

    long startNanos = System.nanoTime();
    long pixelBytes = rfb.readFullFramebuffer();
    long elapsedMs = Math.max(1, (System.nanoTime() - startNanos) / 1_000_000);
    assertEquals((long) X11Desktop.WIDTH * X11Desktop.HEIGHT * 4, pixelBytes);
    System.out.printf("FIGURE full raw framebuffer through the proxy: %d bytes in %d ms (%.1f MB/s)%n",
        pixelBytes, elapsedMs, pixelBytes / 1000.0 / elapsedMs);

    rfb.pointer(100, 120, 0);
    X11Desktop.waitFor(() -> {
      int[] at = desktop.mouseLocation();
      return at[0] == 100 && at[1] == 120;
    }, 5_000, "the pointer at 100,120 on the X display");

    rfb.key('h');
    rfb.key('i');
    rfb.key(0xff0d); // XK_Return: the terminal hands the line to cat
    X11Desktop.waitFor(() -> Files.exists(desktop.typedFile)
        && Files.readString(desktop.typedFile, StandardCharsets.UTF_8).equals("hi\n"), 5_000, "\"hi\" typed into the xterm");

    // A token Alice fetched while in control, unused: voided when control passes.
    String spareToken = harness.call("POST", "/api/rooms/vnc1/vnc-token", aliceToken, null).body().path("token").asText();

    // Bob asks; Alice is active, so Bob waits; Alice gives. Her connection must close within a second.
    assertEquals(alice.path("memberId").asText(),
        harness.call("POST", "/api/rooms/vnc1/control/request", bobToken, null).body().path("holder").asText());
    long giveNanos = System.nanoTime();
    harness.call("POST", "/api/rooms/vnc1/control/give", aliceToken, Map.of("memberId", bob.path("memberId").asText()));
    assertEquals(4409, aliceWs.awaitClose(Duration.ofSeconds(1)));
    System.out.printf("FIGURE old holder's VNC closed %d ms after the give call started%n",
        (System.nanoTime() - giveNanos) / 1_000_000);
    assertTrue(aliceWs.closeReason.get().contains("control"));

    // Alice now has no control: no new token, and the spare one opens nothing.
    assertEquals("not_in_control", harness.call("POST", "/api/rooms/vnc1/vnc-token", aliceToken, null).error());
    WsProbe spare = WsProbe.connect(wsClient, harness.wsBase() + "/rooms/vnc1/vnc?token=" + spareToken, "binary");
    assertEquals(4403, spare.awaitClose(WAIT));

    // Bob, the new holder, gets through to the VNC server.
    WsProbe bobWs = openVnc("vnc1", bobToken);
    RfbClient bobRfb = new RfbClient(bobWs);
    bobRfb.handshake();
    assertEquals(X11Desktop.WIDTH, bobRfb.width);
    bobRfb.pointer(300, 200, 0);
    X11Desktop.waitFor(() -> {
      int[] at = desktop.mouseLocation();
      return at[0] == 300 && at[1] == 200;
    }, 5_000, "the pointer at 300,200 after Bob took over");
    assertEquals(1, harness.controller.bridges().openCount(), "only Bob's bridge is open");
    bobWs.close();
  }

  @Test
  void vncProxy_ownerTakesControl_holderConnectionClosed() throws Exception {
    JsonNode created = harness.createRoom("vnc2", "open-sesame");
    String ownerToken = created.path("owner").path("token").asText();
    String carolToken = harness.join("vnc2", "open-sesame", "Carol").path("token").asText();
    harness.call("POST", "/api/rooms/vnc2/control/request", carolToken, null);
    WsProbe carolWs = openVnc("vnc2", carolToken);
    new RfbClient(carolWs).handshake();
    harness.call("POST", "/api/rooms/vnc2/control/take", ownerToken, null);
    assertEquals(4409, carolWs.awaitClose(Duration.ofSeconds(1)));
    WsProbe ownerWs = openVnc("vnc2", ownerToken);
    byte[] version = ownerWs.read(12, WAIT);
    assertArrayEquals("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII), version);
    ownerWs.close();
  }
}
