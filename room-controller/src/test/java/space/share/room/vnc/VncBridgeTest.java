package space.share.room.vnc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import space.share.room.ControllerHarness;
import space.share.room.FakeClock;
import space.share.room.FakeStreamStatus;
import space.share.room.WsProbe;
import space.share.room.rooms.StaticDesktopManager;

/** The bridge against a plain TCP server standing in for a VNC server: bytes, backpressure, timeouts, failures. */
class VncBridgeTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @TempDir Path dataDir;
  private ControllerHarness harness;
  private WebSocketClient wsClient;
  private ServerSocket fakeVnc;

  private void start(InetSocketAddress target, Map<String, String> config) throws Exception {
    start(target, null, config);
  }

  private void start(InetSocketAddress target, String password, Map<String, String> config) throws Exception {
    // No reachability probes: the fake server must accept only the bridge's connection.
    Map<String, String> all = new java.util.HashMap<>(config);
    all.put("room.vnc.probe-interval-ms", "600000");
    harness = new ControllerHarness(dataDir, new FakeClock(System.currentTimeMillis()), new FakeStreamStatus(),
        new StaticDesktopManager(target, password), all);
    wsClient = new WebSocketClient();
    wsClient.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (wsClient != null) {
      wsClient.stop();
    }
    if (harness != null) {
      harness.close();
    }
    if (fakeVnc != null) {
      fakeVnc.close();
    }
  }

  private String vncUrl() throws Exception {
    harness.createRoom("r1", "open-sesame");
    String member = harness.join("r1", "open-sesame", "Bea").path("token").asText();
    harness.call("POST", "/api/rooms/r1/control/request", member, null);
    String token = harness.call("POST", "/api/rooms/r1/vnc-token", member, null).body().path("token").asText();
    return harness.wsBase() + "/rooms/r1/vnc?token=" + token;
  }

  private InetSocketAddress listen() throws IOException {
    fakeVnc = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
    return new InetSocketAddress("127.0.0.1", fakeVnc.getLocalPort());
  }

  @Test
  void bridge_bytesBothWays_arriveUnchanged() throws Exception {
    start(listen(), Map.of());
    WsProbe ws = WsProbe.connect(wsClient, vncUrl(), "binary");
    try (Socket server = accept()) {
      assertTrue(FakeRfbServer.handshake(server, null));
      assertEquals(null, new RfbClient(ws).tryAuthenticate(null), "the browser's handshake with the proxy");
      ws.sendBinary(new byte[] {1}); // ClientInit, relayed
      assertEquals(1, server.getInputStream().read());
      server.getOutputStream().write("ServerInit".getBytes());
      assertEquals("ServerInit", new String(ws.read(10, WAIT)));
      ws.sendBinary(new byte[] {5, 0, 0, 10, 0, 20});
      byte[] got = server.getInputStream().readNBytes(6);
      assertEquals(20, got[5]);
      // A ping in between: answered, and frames after it still flow (the bridge demands explicitly).
      ws.ping();
      space.share.room.vnc.X11Desktop.waitFor(() -> ws.pongs.get() == 1, 5_000, "a pong");
      ws.sendBinary(new byte[] {4, 1, 0, 0, 0, 0, 0, 0x61});
      assertEquals(0x61, server.getInputStream().readNBytes(8)[7]);
      server.getOutputStream().write(new byte[] {0, 0, 0, 0});
      ws.read(4, WAIT);
    }
    assertEquals(4502, ws.awaitClose(WAIT), "VNC server closing ends the bridge");
  }

  @Test
  void bridge_serverWantsPassword_proxyAnswersAndBrowserGetsNone() throws Exception {
    start(listen(), "s3cretPw", Map.of());
    WsProbe ws = WsProbe.connect(wsClient, vncUrl(), "binary");
    try (Socket server = accept()) {
      assertTrue(FakeRfbServer.handshake(server, "s3cretPw"), "the proxy's VNC Authentication response");
      RfbClient browser = new RfbClient(ws);
      assertEquals(null, browser.tryAuthenticate(null), "the browser is offered None and accepted");
      // Everything after the security handshake passes unchanged, in one frame or many.
      ws.sendBinary(new byte[] {1, 5, 0});
      ws.sendBinary(new byte[] {0, 10, 0, 20});
      assertEquals("[1, 5, 0, 0, 10, 0, 20]", java.util.Arrays.toString(server.getInputStream().readNBytes(7)));
    }
  }

  @Test
  void bridge_browserPipelinesHandshakeAndClientInit_restRelayed() throws Exception {
    start(listen(), "s3cretPw", Map.of());
    WsProbe ws = WsProbe.connect(wsClient, vncUrl(), "binary");
    try (Socket server = accept()) {
      assertTrue(FakeRfbServer.handshake(server, "s3cretPw"));
      assertEquals("RFB 003.008\n", new String(ws.read(12, WAIT)));
      byte[] all = "RFB 003.008\n\u0001\u0001\u0005".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      ws.sendBinary(all); // version, security None, ClientInit and a byte more, in one frame
      assertEquals("[1, 1, 0, 0, 0, 0]", java.util.Arrays.toString(ws.read(6, WAIT)));
      assertEquals("[1, 5]", java.util.Arrays.toString(server.getInputStream().readNBytes(2)));
    }
  }

  @Test
  void bridge_wrongPassword_closed4502BeforeTheBrowserSeesAByte() throws Exception {
    start(listen(), "wrongPw1", Map.of());
    WsProbe ws = WsProbe.connect(wsClient, vncUrl(), "binary");
    try (Socket server = accept()) {
      assertFalse(FakeRfbServer.handshake(server, "rightPw1"));
      assertEquals(4502, ws.awaitClose(WAIT));
      assertTrue(ws.closeReason.get().contains("Authentication failed"), ws.closeReason.get());
      assertEquals(0, ws.available(), "no RFB byte reached the browser");
    }
  }

  @Test
  void bridge_serverWantsPasswordControllerHasNone_closed4502() throws Exception {
    start(listen(), null, Map.of());
    WsProbe ws = WsProbe.connect(wsClient, vncUrl(), "binary");
    try (Socket server = accept()) {
      assertFalse(FakeRfbServer.handshake(server, "rightPw1"));
      assertEquals(4502, ws.awaitClose(WAIT));
      assertTrue(ws.closeReason.get().contains("password"), ws.closeReason.get());
    }
  }

  @Test
  void bridge_browserChoosesVncAuth_closed4400() throws Exception {
    start(listen(), Map.of());
    WsProbe ws = WsProbe.connect(wsClient, vncUrl(), "binary");
    try (Socket server = accept()) {
      assertTrue(FakeRfbServer.handshake(server, null));
      assertEquals("RFB 003.008\n", new String(ws.read(12, WAIT)));
      ws.sendBinary("RFB 003.008\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      ws.read(2, WAIT);
      ws.sendBinary(new byte[] {2});
      assertEquals(4400, ws.awaitClose(WAIT));
    }
  }

  @Test
  void bridge_browserNotReading_vncServerBlockedInsteadOfBuffering() throws Exception {
    start(listen(), Map.of());
    String url = vncUrl();
    // A client that never demands: it reads nothing after the upgrade.
    CompletableFuture<Session> opened = new CompletableFuture<>();
    Session.Listener stalled = new StalledClient(opened);
    wsClient.connect(stalled, URI.create(url), new ClientUpgradeRequest()).get(5, TimeUnit.SECONDS);
    AtomicLong written = new AtomicLong();
    try (Socket server = accept()) {
      assertTrue(FakeRfbServer.handshake(server, null));
      // The client answers the handshake blind (version, None, ClientInit in one frame) and then reads nothing.
      opened.get().sendBinary(ByteBuffer.wrap("RFB 003.008\n\u0001\u0001".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
          Callback.NOOP);
      assertEquals(1, server.getInputStream().read(), "ClientInit relayed");
      server.setSoTimeout(2000);
      Thread writer = new Thread(() -> {
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = server.getOutputStream()) {
          for (int i = 0; i < 1600; i++) { // up to 100 MiB, bounded
            out.write(chunk);
            written.addAndGet(chunk.length);
          }
        } catch (IOException ignored) {
          // closed by the test
        }
      }, "fake-vnc-writer");
      writer.setDaemon(true);
      writer.start();
      // Waits (bounded) until the writer is blocked: its count unchanged for 500 ms while the browser reads nothing.
      long deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      long stalledAt = -1;
      long stableSinceNanos = System.nanoTime();
      while (System.nanoTime() < deadlineNanos) {
        long now = written.get();
        if (now != stalledAt) {
          stalledAt = now;
          stableSinceNanos = System.nanoTime();
        } else if (now > 0 && System.nanoTime() - stableSinceNanos >= TimeUnit.MILLISECONDS.toNanos(500)) {
          break;
        }
        writer.join(20); // returns early only when the writer finished (all 100 MiB written: never stalled)
      }
      System.out.printf("FIGURE bytes the VNC side could write while the browser read nothing: %d%n", written.get());
      assertTrue(writer.isAlive(), "the writer wrote all it had: the VNC server's writes never stalled");
      assertEquals(stalledAt, written.get(), "the VNC server's writes stalled");
      assertTrue(written.get() < 32L * 1024 * 1024, "bounded by socket buffers, not by memory: " + written.get());
      opened.get().disconnect();
    }
  }

  /** Public so Jetty can bind it; does not auto-demand, so it never reads a frame. */
  public static final class StalledClient implements Session.Listener {
    private final CompletableFuture<Session> opened;

    StalledClient(CompletableFuture<Session> opened) {
      this.opened = opened;
    }

    @Override
    public void onWebSocketOpen(Session session) {
      opened.complete(session);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
      callback.succeed();
    }
  }

  @Test
  void bridge_noTrafficForIdleTimeout_closed4408() throws Exception {
    start(listen(), Map.of("room.vnc.idle-timeout-ms", "1000"));
    WsProbe ws = WsProbe.connect(wsClient, vncUrl(), "binary");
    try (Socket server = accept()) {
      assertTrue(FakeRfbServer.handshake(server, null));
      long startNanos = System.nanoTime();
      assertEquals(4408, ws.awaitClose(Duration.ofSeconds(5)));
      long ms = (System.nanoTime() - startNanos) / 1_000_000;
      assertTrue(ms >= 900, "closed too early: " + ms + " ms");
      assertEquals(-1, readOrEof(server.getInputStream()), "the TCP side is closed too");
    }
  }

  @Test
  void bridge_vncServerRefuses_closed4502() throws Exception {
    InetSocketAddress closedPort = listen();
    fakeVnc.close();
    start(closedPort, Map.of());
    assertEquals(4502, WsProbe.connect(wsClient, vncUrl(), "binary").awaitClose(WAIT));
  }

  @Test
  void bridge_vncServerAcceptsButNeverGreets_closedAfterConnectTimeout() throws Exception {
    // The connect timeout covers the security handshake too: a server that accepts and stays silent is given up.
    start(listen(), "s3cretPw", Map.of("room.vnc.connect-timeout-ms", "800", "room.vnc.idle-timeout-ms", "600000"));
    WsProbe ws = WsProbe.connect(wsClient, vncUrl(), "binary");
    try (Socket server = accept()) {
      long startNanos = System.nanoTime();
      assertEquals(4502, ws.awaitClose(WAIT));
      long ms = (System.nanoTime() - startNanos) / 1_000_000;
      assertTrue(ms < 3000, "closed after " + ms + " ms");
      assertTrue(ws.closeReason.get().contains("authenticate"), ws.closeReason.get());
      assertEquals(-1, readOrEof(server.getInputStream()), "the TCP side is closed too");
    }
  }

  @Test
  void bridge_vncServerNeverAccepts_closedAfterConnectTimeout() throws Exception {
    // A listening socket with a full backlog of 1 that is never accepted: further connects hang (SYN dropped).
    InetSocketAddress target = listen();
    fakeVnc.close();
    fakeVnc = new ServerSocket(target.getPort(), 1, InetAddress.getLoopbackAddress());
    Socket[] fillers = new Socket[4];
    for (int i = 0; i < fillers.length; i++) {
      fillers[i] = new Socket();
      try {
        fillers[i].connect(target, 200);
      } catch (IOException backlogFull) {
        break;
      }
    }
    try {
      start(target, Map.of("room.vnc.connect-timeout-ms", "800"));
      WsProbe ws = WsProbe.connect(wsClient, vncUrl(), "binary");
      int code = ws.awaitClose(WAIT);
      assertEquals(4502, code);
      assertTrue(ws.closeReason.get().contains("did not accept") || ws.closeReason.get().contains("refused"),
          ws.closeReason.get());
    } finally {
      for (Socket filler : fillers) {
        if (filler != null) {
          filler.close();
        }
      }
    }
  }

  @Test
  void bridge_overTheRoomCap_closedTooManySocketsWithoutAVncConnection() throws Exception {
    start(listen(), Map.of("room.vnc.max-sockets-per-room", "1"));
    harness.createRoom("r1", "open-sesame");
    String member = harness.join("r1", "open-sesame", "Bea").path("token").asText();
    harness.call("POST", "/api/rooms/r1/control/request", member, null);
    String first = harness.call("POST", "/api/rooms/r1/vnc-token", member, null).body().path("token").asText();
    String second = harness.call("POST", "/api/rooms/r1/vnc-token", member, null).body().path("token").asText();
    WsProbe open = WsProbe.connect(wsClient, harness.wsBase() + "/rooms/r1/vnc?token=" + first, "binary");
    try (Socket server = accept()) {
      assertTrue(FakeRfbServer.handshake(server, null));
      assertEquals(null, new RfbClient(open).tryAuthenticate(null), "the first socket's handshake with the proxy");
      WsProbe refused = WsProbe.connect(wsClient, harness.wsBase() + "/rooms/r1/vnc?token=" + second, "binary");
      assertEquals(4429, refused.awaitClose(WAIT));
      assertTrue(refused.closeReason.get().contains("VNC sockets"), refused.closeReason.get());
      fakeVnc.setSoTimeout(300);
      assertThrows(java.net.SocketTimeoutException.class, fakeVnc::accept, "the refused socket never reached the VNC server");
      assertEquals(1, harness.controller.bridges().openCount());
      // The metrics count the admitted bridge, not the refused one.
      String text = harness.controller.metrics().scrape();
      assertTrue(text.contains("\nshare_space_room_vnc_sessions_open 1.0\n"), text);
      assertTrue(text.contains("\nshare_space_room_vnc_sessions_total 1.0\n"), text);
    }
  }

  private Socket accept() throws IOException {
    fakeVnc.setSoTimeout(5000);
    Socket socket = fakeVnc.accept();
    socket.setSoTimeout(5000);
    return socket;
  }

  private static int readOrEof(InputStream in) {
    try {
      return in.read();
    } catch (IOException e) {
      return -1;
    }
  }
}
