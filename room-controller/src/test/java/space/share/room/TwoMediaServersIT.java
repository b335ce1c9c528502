package space.share.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import space.share.media.MediaConfig;
import space.share.media.MediaServer;
import space.share.room.desktop.DesktopSettings;
import space.share.room.desktop.ProcessDesktopManager;
import space.share.room.mediaclient.HttpStreamStatusSource;
import space.share.room.rooms.DesktopManager;
import space.share.room.rooms.StaticDesktopManager;
import space.share.settings.Settings;

/**
 * The real controller with two real media servers: rooms land on different servers, members get that server's feed
 * URL, ffmpeg publishing to the room's publish URL plays through it, a member who leaves is refused on both servers;
 * then one server dies and its room is placed on the other, where a new publish plays through the member's new URL.
 *
 * <p>Media server {@code a} runs in this JVM; {@code b} is a second JVM started from this classpath (Red5 allows one
 * RTMP server per JVM), so killing it is a server going away as it does in production.
 */
class TwoMediaServersIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  /** Logs of the processes (media server b, ffmpeg) outlive the test here: target/two-media-servers-it/. */
  private Path logs;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Process> processes = new ArrayList<>();
  /** Red5 starts once per JVM: one media server a for the class; b is a new process per test. */
  private static MediaServer mediaA;
  private Process mediaB;
  private int httpB;
  private int rtmpB;
  private ControllerHarness harness;
  private WebSocketClient ws;

  @BeforeAll
  static void startMediaA() throws Exception {
    mediaA = MediaServer.start(new MediaConfig("127.0.0.1", 0, 0, ControllerHarness.SECRET, Map.of(), 4 * 1024 * 1024, 200));
  }

  @AfterAll
  static void stopMediaA() {
    if (mediaA != null) {
      mediaA.close();
    }
  }

  @BeforeEach
  void start(org.junit.jupiter.api.TestInfo test) throws Exception {
    logs = Files.createDirectories(Path.of("target", "two-media-servers-it", test.getTestMethod().orElseThrow().getName()));
    httpB = freePort();
    rtmpB = freePort();
    mediaB = startMediaProcess(httpB, rtmpB);
    // Its HTTP side starts before its RTMP ingest: wait for both.
    Await.until(() -> healthy("http://127.0.0.1:" + httpB) && accepts(rtmpB), WAIT, "media server b answers /healthz and RTMP");

    ws = new WebSocketClient();
    ws.setMaxBinaryMessageSize(16 * 1024 * 1024);
    ws.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (Process process : processes) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (ws != null) {
      ws.stop();
    }
    if (harness != null) {
      harness.close();
    }
  }

  /** The controller with servers a and b, in {@code list} order (ties in placement go to the first). */
  private void startController(String list, DesktopManager desktops) throws Exception {
    Map<String, String> config = new HashMap<>(Map.of("room.media.servers", list, "room.media.poll-interval-ms", "200",
        "room.media.down-after-failures", "2", "room.media.revocation-retry-ms", "100"));
    server(config, "a", mediaA.httpPort(), mediaA.rtmpPort());
    server(config, "b", httpB, rtmpB);
    // Media tokens are checked by the servers' real clocks.
    harness = new ControllerHarness(dir.resolve("data"), new FakeClock(System.currentTimeMillis()),
        new HttpStreamStatusSource(Duration.ofSeconds(2)), desktops, config);
  }

  private static void server(Map<String, String> config, String id, int httpPort, int rtmpPort) {
    config.put("room.media.servers." + id + ".public-url", "http://127.0.0.1:" + httpPort);
    config.put("room.media.servers." + id + ".internal-url", "http://127.0.0.1:" + httpPort);
    config.put("room.media.servers." + id + ".rtmp-url", "rtmp://127.0.0.1:" + rtmpPort + "/live");
  }

  @Test
  void twoRoomsOnTwoServers_feedsPlay_leaveRevokedOnBoth_serverDies_roomMovesAndPlaysOnTheOther() throws Exception {
    startController("a,b", new StaticDesktopManager(null));
    JsonNode r1 = harness.createRoom("r1", "open-sesame").path("room");
    JsonNode r2 = harness.createRoom("r2", "open-sesame").path("room");
    assertEquals("a", r1.path("mediaServer").asText());
    assertEquals("b", r2.path("mediaServer").asText());
    assertEquals("rtmp://127.0.0.1:" + rtmpB + "/live/" + r2.path("streamKey").asText(), r2.path("publishUrl").asText());

    JsonNode bea = harness.join("r1", "open-sesame", "Bea");
    JsonNode cal = harness.join("r2", "open-sesame", "Cal");
    String beaFeed = bea.path("room").path("urls").path("feed").asText();
    String calFeed = cal.path("room").path("urls").path("feed").asText();
    assertTrue(beaFeed.startsWith("ws://127.0.0.1:" + mediaA.httpPort() + "/live/r1/feed?token=m1.r1."), beaFeed);
    assertTrue(calFeed.startsWith("ws://127.0.0.1:" + httpB + "/live/r2/feed?token=m1.r2."), calFeed);

    // ffmpeg publishes room r2 to where the controller placed it (b); Cal's feed URL plays it.
    Process onB = publish(r2.path("publishUrl").asText(), "b");
    Await.until(() -> streamLive("r2"), WAIT, "room r2 live on b as the controller sees it");
    assertPlays(calFeed, "r2 on b");

    // Bea leaves: her media token is refused by both servers (r1 may move to b one day).
    String beaOnB = beaFeed.replace(":" + mediaA.httpPort() + "/", ":" + httpB + "/");
    assertEquals(200, harness.call("POST", "/api/rooms/r1/leave", bea.path("token").asText(), null).status());
    Await.until(() -> mediaA.revocations().isRevoked("r1", bea.path("memberId").asText()), WAIT, "revoked at a");
    Await.until(() -> refused(beaOnB), WAIT, "bea's token refused at b");

    // b goes away: r2 is placed on a; Cal's events socket and GetConfiguration give the new feed URL.
    String calToken = cal.path("token").asText();
    WsProbe events = WsProbe.connect(ws, harness.wsBase() + "/rooms/r2/events?token=" + calToken);
    events.awaitType("snapshot", WAIT);
    mediaB.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    onB.waitFor(30, TimeUnit.SECONDS); // its RTMP peer is gone
    Await.until(() -> "a".equals(admin("r2").path("mediaServer").asText()), WAIT, "room r2 placed on a");
    JsonNode moved = JSON.readTree(events.awaitType("media-moved", WAIT));
    assertEquals("a", moved.path("mediaServer").asText());
    String calFeedOnA = harness.call("GET", "/api/rooms/r2", calToken, null).body().path("urls").path("feed").asText();
    assertTrue(calFeedOnA.startsWith("ws://127.0.0.1:" + mediaA.httpPort() + "/live/r2/feed?token=m1.r2."), calFeedOnA);
    assertTrue(moved.path("urls").path("feed").asText().startsWith("ws://127.0.0.1:" + mediaA.httpPort() + "/live/r2/"),
        moved.toString());
    String publishOnA = admin("r2").path("publishUrl").asText();
    assertEquals("rtmp://127.0.0.1:" + mediaA.rtmpPort() + "/live/" + r2.path("streamKey").asText(), publishOnA);

    publish(publishOnA, "a");
    Await.until(() -> liveOn(mediaA.httpPort(), "r2"), WAIT, "room r2 live on a");
    assertPlays(calFeedOnA, "r2 on a");
  }

  /**
   * A room desktop run by the controller (room.sh: Xvfb, xterm, ffmpeg) publishes to the server its room is placed on;
   * when that server dies the controller retargets it and room.sh restarts only the encoder, now publishing to the
   * other server, where the member's new feed URL plays it.
   */
  @Test
  void processDesktop_serverDies_encoderRestartsOnTheOtherServer_memberPlaysTheNewFeed() throws Exception {
    Map<String, String> desktopKeys = new HashMap<>(Map.of("room.data-dir", dir.resolve("data").toString(),
        "room.desktop.script", Path.of("../desktop/room.sh").toAbsolutePath().normalize().toString(),
        "room.desktop.width", "320", "room.desktop.height", "240", "room.desktop.fps", "15",
        "room.desktop.bitrate-kbps", "500", "room.desktop.app", "xterm", "room.desktop.audio", "off",
        "room.desktop.components", "xvfb session encode",
        "room.desktop.display-base", Integer.toString(300 + (int) (ProcessHandle.current().pid() % 600))));
    desktopKeys.put("room.desktop.stop-grace-ms", "10000");
    ProcessDesktopManager desktops = new ProcessDesktopManager(DesktopSettings.fromConfig(Settings.of(desktopKeys)));
    startController("b,a", desktops);
    assertEquals("b", harness.createRoom("desk", "open-sesame").path("room").path("mediaServer").asText());
    JsonNode dee = harness.join("desk", "open-sesame", "Dee");
    String feedOnB = dee.path("room").path("urls").path("feed").asText();
    assertTrue(feedOnB.startsWith("ws://127.0.0.1:" + httpB + "/"), feedOnB);
    Await.until(() -> liveOn(httpB, "desk"), Duration.ofSeconds(60), "the room's desktop live on b");
    assertPlays(feedOnB, "desktop on b");
    long roomShPid = desktops.info("desk").orElseThrow().pid();

    mediaB.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    long killedNanos = System.nanoTime();
    Await.until(() -> "a".equals(admin("desk").path("mediaServer").asText()), WAIT, "room desk placed on a");
    Await.until(() -> liveOn(mediaA.httpPort(), "desk"), Duration.ofSeconds(60), "the room's desktop live on a");
    long liveAgainMs = (System.nanoTime() - killedNanos) / 1_000_000;
    String feedOnA = harness.call("GET", "/api/rooms/desk", dee.path("token").asText(), null).body().path("urls")
        .path("feed").asText();
    assertTrue(feedOnA.startsWith("ws://127.0.0.1:" + mediaA.httpPort() + "/live/desk/feed?token="), feedOnA);
    assertPlays(feedOnA, "desktop on a");
    assertEquals(roomShPid, desktops.info("desk").orElseThrow().pid(), "the desktop kept running; only its encoder restarted");
    System.out.printf("media server b killed -> room desk's stream live on a in %d ms%n", liveAgainMs);
  }

  // ---------------------------------------------------------------- helpers

  private JsonNode admin(String roomId) {
    try {
      return harness.call("GET", "/api/rooms/" + roomId, ControllerHarness.ADMIN, null).body();
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private boolean streamLive(String roomId) {
    return admin(roomId).path("parts").path("streamLive").asBoolean();
  }

  /** Whether that media server's stream API says the stream is live. */
  private boolean liveOn(int httpPort, String streamId) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
          + "/api/streams/" + streamId)).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 && JSON.readTree(response.body()).path("live").asBoolean();
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean accepts(int port) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private boolean healthy(String base) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Whether the feed closes this token with 4403 (else it is let in and waits for a stream). */
  private boolean refused(String feedUrl) {
    try {
      WsProbe probe = WsProbe.connect(ws, feedUrl);
      try {
        int code = probe.closeCode.get(2, TimeUnit.SECONDS);
        return code == 4403;
      } catch (java.util.concurrent.TimeoutException e) {
        return false; // still open: let in
      } finally {
        probe.close();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The feed sends a header, then an init segment and fragments that ffprobe decodes into video frames. */
  private void assertPlays(String feedUrl, String what) throws Exception {
    WsProbe feed = WsProbe.connect(ws, feedUrl);
    try {
      JsonNode header = JSON.readTree(feed.awaitType("header", WAIT));
      assertEquals(320, header.path("width").asInt(), header.toString()); // both publishers: 320x240
      Await.until(() -> feed.available() >= 150_000, WAIT, what + ": 150 kB of fMP4 on the feed");
      Path mp4 = dir.resolve(what.replace(' ', '-') + ".mp4");
      Files.write(mp4, feed.read(feed.available(), Duration.ofSeconds(1)));
      Process probe = new ProcessBuilder("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
          "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", mp4.toString()).redirectErrorStream(true).start();
      processes.add(probe);
      assertTrue(probe.waitFor(30, TimeUnit.SECONDS), what + ": ffprobe did not finish");
      String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertTrue(out.matches("\\d+") && Integer.parseInt(out) >= 10, what + ": frames decoded from the feed: " + out);
    } finally {
      feed.close();
    }
  }

  /** ffmpeg publishing a 320x240 test picture with sound to {@code url}, bounded to two minutes. */
  private Process publish(String url, String name) throws IOException {
    Process process = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostats", "-loglevel", "warning", "-re",
        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=15", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "15", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-t", "120", "-f", "flv", url)
        .redirectErrorStream(true).redirectOutput(logs.resolve("ffmpeg-" + name + ".log").toFile()).start();
    processes.add(process);
    return process;
  }

  /** A media server in its own JVM, from this test's classpath, configured by a file as bin/media-server would be. */
  private Process startMediaProcess(int httpPort, int rtmpPort) throws IOException {
    Path config = dir.resolve("media-b.properties");
    Files.writeString(config, "media.bind-host=127.0.0.1\nmedia.http.port=" + httpPort + "\nmedia.rtmp.port=" + rtmpPort
        + "\nsecret=" + ControllerHarness.SECRET + "\n");
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        "space.share.media.MediaServer").redirectErrorStream(true).redirectOutput(logs.resolve("media-b.log").toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("SHARE_SPACE_"));
    builder.environment().put("SHARE_SPACE_CONFIG", config.toString());
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
