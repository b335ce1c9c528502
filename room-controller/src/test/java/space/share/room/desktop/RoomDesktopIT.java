package space.share.room.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import space.share.media.MediaConfig;
import space.share.media.MediaServer;
import space.share.room.RoomController;
import space.share.settings.Settings;

/**
 * The whole room path with the real parts: a room created through the admin API gets a desktop (desktop/room.sh:
 * Xvfb, PulseAudio, openbox + xterm, x11vnc, ffmpeg) run by the controller's {@link ProcessDesktopManager}; its
 * stream goes live in the real media server; a WebSocket viewer with the member's token receives frames that decode
 * and look like a screenshot of the display; SIGKILL of ffmpeg is recovered from on the same viewer connection
 * (new header and init segment, frames again); deleting the room leaves no process of it.
 * 640x360 to keep the 2-core machine usable; the encoder settings are otherwise the defaults (4:4:4, 1 s GOP, AAC).
 */
class RoomDesktopIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "room-desktop-it-secret";
  private static final String ADMIN = "room-desktop-it-admin";
  private static final int WIDTH = 640;
  private static final int HEIGHT = 360;

  @TempDir
  Path dir;
  private MediaServer media;
  private RoomController controller;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Process> helpers = new ArrayList<>();
  private Feed feed;

  @BeforeEach
  void startServers() throws Exception {
    media = MediaServer.start(new MediaConfig("127.0.0.1", 0, 0, SECRET, Map.of(), 4 * 1024 * 1024, 200));
    Properties p = new Properties();
    p.setProperty("secret", SECRET);
    p.setProperty("room.admin-token", ADMIN);
    p.setProperty("room.http.host", "127.0.0.1");
    p.setProperty("room.http.port", "0");
    p.setProperty("room.data-dir", dir.resolve("data").toString());
    p.setProperty("room.passcode.bcrypt-cost", "4");
    p.setProperty("room.media.internal-url", "http://127.0.0.1:" + media.httpPort());
    p.setProperty("room.media.public-url", "http://127.0.0.1:" + media.httpPort());
    p.setProperty("room.media.poll-interval-ms", "200");
    // parts.desktop and vncReachable are refreshed on every VNC probe: often enough to see room.sh's 1 s backoff.
    p.setProperty("room.vnc.probe-interval-ms", "100");
    p.setProperty("room.desktop.mode", "process");
    p.setProperty("room.desktop.script", Path.of("../desktop/room.sh").toAbsolutePath().normalize().toString());
    p.setProperty("room.desktop.rtmp-url", "rtmp://127.0.0.1:" + media.rtmpPort() + "/live");
    p.setProperty("room.desktop.width", Integer.toString(WIDTH));
    p.setProperty("room.desktop.height", Integer.toString(HEIGHT));
    p.setProperty("room.desktop.bitrate-kbps", "1500");
    p.setProperty("room.desktop.app", "xterm");
    p.setProperty("room.desktop.display-base", Integer.toString(300 + (int) (ProcessHandle.current().pid() % 600)));
    p.setProperty("room.desktop.stop-grace-ms", "10000");
    controller = new RoomController(Settings.of(p, Map.of()));
    controller.start();
  }

  @AfterEach
  void stopServers() throws Exception {
    if (feed != null) {
      feed.close();
    }
    for (Process helper : helpers) {
      helper.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    if (controller != null) {
      controller.stop();
    }
    if (media != null) {
      media.close();
    }
  }

  @Test
  void room_createdThroughApi_liveDesktopPlaysRecoversFromEncoderKillAndLeavesNothingOnDelete() throws Exception {
    assertEquals(1920, DesktopSettings.fromConfig(Settings.of(new Properties(), Map.of())).width(), "default width");
    assertEquals(1080, DesktopSettings.fromConfig(Settings.of(new Properties(), Map.of())).height(), "default height");

    JsonNode created = call("POST", "/api/rooms", ADMIN, "{\"id\":\"it-room\",\"passcode\":\"open-sesame\"}");
    assertEquals(201, created.path("status").asInt(), created.toString());
    JsonNode join = call("POST", "/api/rooms/it-room/join", null, "{\"passcode\":\"open-sesame\",\"name\":\"Bea\"}");
    String feedUrl = join.path("body").path("room").path("urls").path("feed").asText();
    assertTrue(feedUrl.startsWith("ws://127.0.0.1:" + media.httpPort() + "/live/it-room/feed?token=m1.it-room."), feedUrl);

    ProcessDesktopManager desktops = (ProcessDesktopManager) controller.rooms().parts().desktops();
    // The first launch may take a moment: as root it creates the display's desktop user (useradd) first.
    waitFor(() -> desktops.info("it-room").isPresent(), 30_000, "room.sh launched");
    ProcessDesktopManager.DesktopInfo info = desktops.info("it-room").orElseThrow();
    String display = ":" + info.displayNum();
    waitFor(() -> {
      JsonNode parts = adminRoom().path("parts");
      return parts.path("desktop").asText().equals("running") && parts.path("streamLive").asBoolean()
          && parts.path("vncReachable").asBoolean();
    }, 60_000, "desktop running, stream live and VNC reachable (log: " + info.logFile() + ")");

    // A known picture: a green window at the top left, over the room's maximised xterm.
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("DISPLAY", display);
    env.put("DESKTOP_RUNTIME_DIR", info.runtimeDir().toString()); // like anything started inside the room
    env.put("XAUTHORITY", info.runtimeDir().resolve("Xauthority").toString()); // the display wants its cookie
    ProcessBuilder green = new ProcessBuilder("xterm", "-bg", "#00c000", "-fg", "#00c000", "-geometry", "40x10+0+0")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    green.environment().putAll(env);
    helpers.add(green.start());
    List<String> grab = List.of("ffmpeg", "-nostdin", "-loglevel", "error", "-f", "x11grab", "-draw_mouse", "0",
        "-video_size", WIDTH + "x" + HEIGHT, "-i", display + ".0", "-frames:v", "1", "-vf", "scale=64:36",
        "-pix_fmt", "rgb24", "-f", "rawvideo", "-");
    waitFor(() -> {
      try {
        int[] shown = pixel(run(grab, env), 5, 5);
        return shown[1] > 120 && shown[0] < 90;
      } catch (Exception e) {
        return false;
      }
    }, 10_000, "the green window on the display");

    feed = Feed.connect(feedUrl);
    waitFor(() -> feed.binaryCount(1) >= 60, 20_000, "60 fragments of generation 1");
    byte[] screenshot = run(grab, env);
    // Until the feed carries the picture the screenshot saw (the encoder is some frames behind), bounded: the
    // assertions below then say how far off it is.
    Path received = dir.resolve("gen1.mp4");
    long caughtUpDeadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    do {
      Files.write(received, feed.mp4(1));
    } while (meanAbsoluteDifference(screenshot, lastFrame(received, env)) >= 12
        && System.nanoTime() < caughtUpDeadlineNanos);
    JsonNode header = feed.header(1);
    assertEquals(WIDTH, header.path("width").asInt());
    assertEquals(HEIGHT, header.path("height").asInt());
    assertTrue(header.path("hasAudio").asBoolean(), header.toString());
    assertTrue(header.path("codecs").asText().toLowerCase().startsWith("avc1.f4"), "4:4:4 (High 4:4:4 Predictive): " + header);

    String probe = new String(run(List.of("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
        "-show_entries", "stream=width,height,nb_read_frames", "-of", "csv=p=0", received.toString()), env),
        StandardCharsets.UTF_8).trim();
    String[] fields = probe.split(",");
    assertEquals(WIDTH + "," + HEIGHT, fields[0] + "," + fields[1], probe);
    assertTrue(Integer.parseInt(fields[2]) >= 30, "decoded frames: " + probe);

    byte[] decoded = lastFrame(received, env);
    int[] greenPixel = pixel(decoded, 5, 5);
    assertTrue(greenPixel[1] > 120 && greenPixel[0] < 90 && greenPixel[2] < 90, "green window in the feed: "
        + java.util.Arrays.toString(greenPixel));
    int[] shotPixel = pixel(screenshot, 5, 5);
    assertTrue(shotPixel[1] > 120 && shotPixel[0] < 90, "green window on the display: " + java.util.Arrays.toString(shotPixel));
    double mad = meanAbsoluteDifference(screenshot, decoded);
    System.out.printf("feed frame vs screenshot: mean absolute difference %.2f (of 255), green %s / %s%n", mad,
        java.util.Arrays.toString(greenPixel), java.util.Arrays.toString(shotPixel));
    assertTrue(mad < 12, "feed frame vs screenshot, mean absolute difference per channel: " + mad);

    // SIGKILL the encoder: room.sh restarts it, the room shows it, the same viewer gets a new generation.
    Set<String> seen = ConcurrentHashMap.newKeySet();
    Thread watcher = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          seen.add(adminRoom().path("parts").path("desktop").asText());
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          // keep watching
        }
      }
    });
    watcher.start();
    // encode.sh's split encoder: video and audio ffmpeg, flv-merge.py, the publishing ffmpeg; kill the video one
    List<Long> encoders = roomProcesses(info, "ffmpeg");
    assertEquals(3, encoders.size(), "three ffmpeg in the room (video, audio, publisher): " + encoders);
    assertEquals(1, roomProcesses(info, "python3").size(), "flv-merge.py in the room");
    long videoEncoder = encoders.stream().filter(pid -> commandLine(pid).contains("x11grab")).findFirst().orElseThrow();
    long killedAtNanos = System.nanoTime();
    ProcessTree.signal(videoEncoder, "KILL");
    waitFor(() -> feed.binaryCount(2) >= 1, 30_000, "generation 2 on the same viewer");
    System.out.printf("ffmpeg SIGKILL -> first fragment of the new generation on the same viewer: %d ms; states seen %s%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAtNanos), seen);
    waitFor(() -> feed.binaryCount(2) >= 30, 30_000, "fragments of generation 2 on the same viewer");
    watcher.interrupt();
    watcher.join(5000);
    assertTrue(feed.sawEnded(), "viewer saw the publisher end");
    assertNull(feed.closeCode(), "viewer connection stayed open");
    assertEquals(2, feed.header(2).path("generation").asInt());
    assertTrue(seen.contains("failed"), "the room's state showed the encoder in backoff: " + seen);
    // the killed encoder's partners went with it: one encoder again, not the old one's leftovers beside it
    waitFor(() -> {
      List<Long> now = uncheckedRoomProcesses(info, "ffmpeg");
      return now.size() == 3 && now.stream().noneMatch(encoders::contains);
    }, 10_000, "three new ffmpeg, none of the old");
    Path second = dir.resolve("gen2.mp4");
    Files.write(second, feed.mp4(2));
    assertTrue(meanAbsoluteDifference(screenshot, lastFrame(second, env)) < 12, "picture after the restart");

    // Delete: nothing of the room is left.
    assertEquals(200, call("DELETE", "/api/rooms/it-room", ADMIN, null).path("status").asInt());
    waitFor(() -> ProcessTree.withEnvironment("DESKTOP_RUNTIME_DIR", info.runtimeDir().toString()).isEmpty()
        && ProcessTree.withEnvironment("DISPLAY", display).isEmpty(), 30_000, "no process of the room");
    waitFor(() -> !Files.exists(Path.of("/tmp/.X" + info.displayNum() + "-lock")), 5_000, "X lock removed");
    // room.sh empties it; with a user per room the dir itself (in the root-owned runtime base) goes with the
    // controller's supervisor, just after room.sh exits.
    waitFor(() -> !Files.exists(info.runtimeDir()), 10_000, "runtime dir removed");
    assertEquals("stopped", controller.rooms().parts().desktops().state("it-room").wireName());
  }

  private JsonNode adminRoom() {
    try {
      return call("GET", "/api/rooms/it-room", ADMIN, null).path("body");
    } catch (Exception e) {
      return JSON.createObjectNode();
    }
  }

  /** {"status": code, "body": json}. */
  private JsonNode call(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controller.port() + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    var result = JSON.createObjectNode();
    result.put("status", response.statusCode());
    result.set("body", response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body()));
    return result;
  }

  private static List<Long> roomProcesses(ProcessDesktopManager.DesktopInfo info, String comm) throws IOException {
    List<Long> pids = new ArrayList<>();
    for (long pid : ProcessTree.withEnvironment("DESKTOP_RUNTIME_DIR", info.runtimeDir().toString())) {
      try {
        if (Files.readString(Path.of("/proc/" + pid + "/comm")).trim().equals(comm)) {
          pids.add(pid);
        }
      } catch (IOException e) {
        // gone
      }
    }
    return pids;
  }

  private static List<Long> uncheckedRoomProcesses(ProcessDesktopManager.DesktopInfo info, String comm) {
    try {
      return roomProcesses(info, comm);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String commandLine(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException e) {
      return ""; // gone
    }
  }

  private static byte[] lastFrame(Path mp4, Map<String, String> env) throws Exception {
    byte[] all = run(List.of("ffmpeg", "-nostdin", "-loglevel", "error", "-i", mp4.toString(), "-map", "0:v:0",
        "-vf", "scale=64:36", "-pix_fmt", "rgb24", "-f", "rawvideo", "-"), env);
    int frameBytes = 64 * 36 * 3;
    assertTrue(all.length >= frameBytes, "no decoded frame in " + mp4);
    return java.util.Arrays.copyOfRange(all, all.length - frameBytes, all.length);
  }

  private static int[] pixel(byte[] rgb, int x, int y) {
    int i = (y * 64 + x) * 3;
    return new int[] {rgb[i] & 0xff, rgb[i + 1] & 0xff, rgb[i + 2] & 0xff};
  }

  private static double meanAbsoluteDifference(byte[] a, byte[] b) {
    assertEquals(a.length, b.length);
    long sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
    }
    return (double) sum / a.length;
  }

  private static byte[] run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().putAll(env);
    Process process = builder.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> {
      try (InputStream in = process.getInputStream()) {
        in.transferTo(out);
      } catch (IOException e) {
        // process killed
      }
    });
    reader.start();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    reader.join(5000);
    assertEquals(0, process.exitValue(), "exit status of " + command);
    return out.toByteArray();
  }

  static void waitFor(BooleanSupplier condition, long timeoutMs, String what) throws InterruptedException {
    ProcessDesktopManagerTest.waitFor(condition, timeoutMs, what);
  }

  /** A feed viewer: keeps every message, grouped by header generation. */
  public static final class Feed implements Session.Listener.AutoDemanding {
    private final WebSocketClient client;
    private final Map<Integer, JsonNode> headers = new ConcurrentHashMap<>();
    private final Map<Integer, List<byte[]>> binaries = new ConcurrentHashMap<>();
    private volatile int generation;
    private volatile boolean ended;
    private volatile Integer closeCode;

    private Feed(WebSocketClient client) {
      this.client = client;
    }

    static Feed connect(String url) throws Exception {
      WebSocketClient client = new WebSocketClient();
      client.setMaxBinaryMessageSize(16 * 1024 * 1024);
      client.start();
      Feed feed = new Feed(client);
      client.connect(feed, URI.create(url)).get(10, TimeUnit.SECONDS);
      return feed;
    }

    @Override
    public void onWebSocketText(String message) {
      try {
        JsonNode json = JSON.readTree(message);
        switch (json.path("type").asText()) {
          case "header" -> {
            int g = json.path("generation").asInt();
            headers.put(g, json);
            binaries.put(g, java.util.Collections.synchronizedList(new ArrayList<>()));
            generation = g;
          }
          case "ended" -> ended = true;
          default -> { }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
      byte[] bytes = new byte[payload.remaining()];
      payload.get(bytes);
      List<byte[]> list = binaries.get(generation);
      if (list != null) {
        list.add(bytes);
      }
      callback.succeed();
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
      closeCode = statusCode;
      callback.succeed();
    }

    /** Fragments (binary messages after the init segment) received in that generation. */
    int binaryCount(int g) {
      List<byte[]> list = binaries.get(g);
      return list == null ? 0 : Math.max(0, list.size() - 1);
    }

    JsonNode header(int g) {
      return headers.get(g);
    }

    boolean sawEnded() {
      return ended;
    }

    Integer closeCode() {
      return closeCode;
    }

    /** Init segment + every fragment of that generation: a fragmented MP4 file. */
    byte[] mp4(int g) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      synchronized (binaries.get(g)) {
        for (byte[] b : binaries.get(g)) {
          out.writeBytes(b);
        }
      }
      return out.toByteArray();
    }

    void close() throws Exception {
      client.stop();
    }
  }
}
