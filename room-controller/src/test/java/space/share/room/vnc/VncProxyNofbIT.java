package space.share.room.vnc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import space.share.room.ControllerHarness;
import space.share.room.FakeClock;
import space.share.room.FakeStreamStatus;
import space.share.room.WsProbe;

/**
 * Seed 003 runs x11vnc with {@code -nofb} (input only). Through the proxy the RFB handshake still
 * completes with the display's real geometry, and pointer and keys still reach the X display.
 */
class VncProxyNofbIT {
  @TempDir Path workDir;

  @Test
  void vncProxy_x11vncWithNofb_handshakeAndInputStillWork() throws Exception {
    try (X11Desktop desktop = new X11Desktop(workDir.resolve("x"), List.of("-nofb"));
         ControllerHarness harness = new ControllerHarness(workDir.resolve("data"), new FakeClock(System.currentTimeMillis()),
             new FakeStreamStatus(), desktop, Map.of("room.vnc.probe-interval-ms", "60000"))) {
      WebSocketClient client = new WebSocketClient();
      client.start();
      try {
        harness.createRoom("nofb", "open-sesame");
        String member = harness.join("nofb", "open-sesame", "Dee").path("token").asText();
        harness.call("POST", "/api/rooms/nofb/control/request", member, null);
        String token = harness.call("POST", "/api/rooms/nofb/vnc-token", member, null).body().path("token").asText();
        RfbClient rfb = new RfbClient(WsProbe.connect(client, harness.wsBase() + "/rooms/nofb/vnc?token=" + token, "binary"));
        rfb.handshake();
        assertEquals(X11Desktop.WIDTH, rfb.width);
        assertEquals(X11Desktop.HEIGHT, rfb.height);
        rfb.pointer(60, 70, 0);
        X11Desktop.waitFor(() -> {
          int[] at = desktop.mouseLocation();
          return at[0] == 60 && at[1] == 70;
        }, 5_000, "the pointer at 60,70");
        rfb.key('o');
        rfb.key('k');
        rfb.key(0xff0d);
        X11Desktop.waitFor(() -> Files.exists(desktop.typedFile)
            && Files.readString(desktop.typedFile, StandardCharsets.UTF_8).equals("ok\n"), 5_000, "\"ok\" typed");
      } finally {
        client.stop();
      }
    }
  }
}
