package space.share.room.vnc;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import space.share.room.ControllerHarness;
import space.share.room.FakeClock;
import space.share.room.FakeStreamStatus;
import space.share.room.WsProbe;

/**
 * Benchmark command, not a test: what the proxy costs next to a direct TCP connection to the same x11vnc, one
 * connection at a time (x11vnc serves two clients that take turns in ~0.5 s steps, which would measure x11vnc, not
 * the proxy). Run {@code bench/vnc-proxy.sh [x11vnc|fake|all]} and read {@code room-controller/target/bench/vnc-proxy.txt};
 * {@code -Dbench.x11vnc.args="-defer 0"} (in {@code JAVA_OPTS}) adds x11vnc options. {@code fake} times the proxy
 * alone against a trivial fake VNC server ({@code vnc-proxy-fake.txt}). Exits non-zero when a path delivers fewer
 * bytes than a full frame or a reply.
 */
public final class VncProxyBench {
  private static final int FULL_FRAMES = 10;
  private static final int ROUND_TRIPS = 200;
  /** A small update, like the area around a moving pointer. */
  private static final int REGION_PX = 64;

  private final Path workDir;

  private VncProxyBench(Path workDir) {
    this.workDir = workDir;
  }

  public static void main(String[] args) throws Exception {
    String which = args.length == 0 ? "all" : args[0];
    if (!List.of("all", "x11vnc", "fake").contains(which)) {
      System.err.println("usage: VncProxyBench [all|x11vnc|fake]");
      System.exit(2);
    }
    Path workDir = Files.createTempDirectory("vnc-proxy-bench");
    try {
      VncProxyBench bench = new VncProxyBench(workDir);
      if (!which.equals("fake")) {
        bench.bench();
      }
      if (!which.equals("x11vnc")) {
        bench.benchFakeServer();
      }
    } finally {
      try (var paths = Files.walk(workDir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
    System.exit(0); // the servers' non-daemon threads are stopped, but do not wait for stragglers
  }

  private static String measure(String name, RfbClient client) throws Exception {
    long frameBytes = client.readFullFramebuffer(); // warm-up
    long minFrameBytes = (long) X11Desktop.WIDTH * X11Desktop.HEIGHT * 4;
    if (frameBytes < minFrameBytes) {
      throw new IllegalStateException(name + ": a full frame was " + frameBytes + " bytes, expected at least "
          + minFrameBytes + " (raw 32 bpp)");
    }
    long bytes = 0;
    long startNanos = System.nanoTime();
    for (int frame = 0; frame < FULL_FRAMES; frame++) {
      bytes += client.readFullFramebuffer();
    }
    long frameNanos = System.nanoTime() - startNanos;
    List<Long> rttsUs = new ArrayList<>();
    for (int trip = 0; trip < ROUND_TRIPS; trip++) {
      long tripStart = System.nanoTime();
      client.readRegion(REGION_PX, REGION_PX);
      rttsUs.add((System.nanoTime() - tripStart) / 1000);
    }
    Collections.sort(rttsUs);
    return String.format(Locale.ROOT, "%-16s full frames %6.1f MB/s (%5.1f ms/frame); %dx%d update round trip p50 %d us, p90 %d us",
        name, bytes / 1e3 / (frameNanos / 1e6), frameNanos / 1e6 / FULL_FRAMES, REGION_PX, REGION_PX,
        rttsUs.get(ROUND_TRIPS / 2), rttsUs.get(ROUND_TRIPS * 9 / 10));
  }

  private void bench() throws Exception {
    List<String> lines = new ArrayList<>();
    String extra = System.getProperty("bench.x11vnc.args", "").trim();
    List<String> extraArgs = extra.isEmpty() ? List.of() : List.of(extra.split("\\s+"));
    try (X11Desktop desktop = new X11Desktop(workDir.resolve("x"), extraArgs);
         ControllerHarness harness = new ControllerHarness(workDir.resolve("data"), new FakeClock(System.currentTimeMillis()),
             new FakeStreamStatus(), desktop, Map.of("room.vnc.probe-interval-ms", "600000"))) {
      lines.add(String.format(Locale.ROOT, "display %dx%d, raw 32 bpp; %d full frames and %d %dx%d update round trips per path;"
          + " extra x11vnc args: [%s]", X11Desktop.WIDTH, X11Desktop.HEIGHT, FULL_FRAMES, ROUND_TRIPS, REGION_PX, REGION_PX, extra));
      try (Socket direct = new Socket("127.0.0.1", desktop.vncPort)) {
        RfbClient viaTcp = RfbClient.overTcp(direct);
        viaTcp.handshake(desktop.password);
        lines.add(measure("direct TCP", viaTcp));
      }
      WebSocketClient client = new WebSocketClient();
      client.start();
      try {
        harness.createRoom("bench", "open-sesame");
        String member = harness.join("bench", "open-sesame", "Bench").path("token").asText();
        harness.call("POST", "/api/rooms/bench/control/request", member, null);
        String token = harness.call("POST", "/api/rooms/bench/vnc-token", member, null).body().path("token").asText();
        WsProbe ws = WsProbe.connect(client, harness.wsBase() + "/rooms/bench/vnc?token=" + token, "binary");
        RfbClient viaProxy = new RfbClient(ws);
        viaProxy.handshake();
        lines.add(measure("WebSocket proxy", viaProxy));
        ws.close();
      } finally {
        client.stop();
      }
    }
    Path out = Path.of("target", "bench", "vnc-proxy.txt");
    Files.createDirectories(out.getParent());
    Files.write(out, lines);
    lines.forEach(System.out::println);
  }

  /** The proxy alone: a fake VNC server answering each 10-byte request with 16 KiB + 20 bytes at once. */
  private void benchFakeServer() throws Exception {
    int replyBytes = 16 * 1024 + 20;
    try (java.net.ServerSocket server = new java.net.ServerSocket(0, 4, java.net.InetAddress.getLoopbackAddress());
         ControllerHarness harness = new ControllerHarness(workDir.resolve("data-fake"), new FakeClock(System.currentTimeMillis()),
             new FakeStreamStatus(), new space.share.room.rooms.StaticDesktopManager(
                 new java.net.InetSocketAddress("127.0.0.1", server.getLocalPort())), Map.of("room.vnc.probe-interval-ms", "600000"))) {
      Thread fake = new Thread(() -> {
        try (Socket socket = server.accept()) {
          socket.setTcpNoDelay(true);
          FakeRfbServer.handshake(socket, null);
          byte[] request = new byte[10];
          byte[] reply = new byte[replyBytes];
          while (socket.getInputStream().readNBytes(request, 0, 10) == 10) {
            socket.getOutputStream().write(reply);
          }
        } catch (java.io.IOException ignored) {
          // the bench is over
        }
      }, "fake-vnc");
      fake.setDaemon(true);
      fake.start();
      WebSocketClient client = new WebSocketClient();
      client.start();
      try {
        harness.createRoom("fake", "open-sesame");
        String member = harness.join("fake", "open-sesame", "Bench").path("token").asText();
        harness.call("POST", "/api/rooms/fake/control/request", member, null);
        String token = harness.call("POST", "/api/rooms/fake/vnc-token", member, null).body().path("token").asText();
        WsProbe ws = WsProbe.connect(client, harness.wsBase() + "/rooms/fake/vnc?token=" + token, "binary");
        new RfbClient(ws).tryAuthenticate(null);
        List<Long> rttsUs = new ArrayList<>();
        for (int trip = 0; trip < ROUND_TRIPS + 50; trip++) {
          long startNanos = System.nanoTime();
          ws.sendBinary(new byte[10]);
          ws.read(replyBytes, java.time.Duration.ofSeconds(5));
          if (trip >= 50) { // the first 50 warm up
            rttsUs.add((System.nanoTime() - startNanos) / 1000);
          }
        }
        Collections.sort(rttsUs);
        String line = String.format(Locale.ROOT, "proxy alone (fake VNC server, %d-byte replies): round trip p50 %d us, p90 %d us",
            replyBytes, rttsUs.get(ROUND_TRIPS / 2), rttsUs.get(ROUND_TRIPS * 9 / 10));
        Path out = Path.of("target", "bench", "vnc-proxy-fake.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, line + "\n");
        System.out.println(line);
        ws.close();
      } finally {
        client.stop();
      }
    }
  }
}
