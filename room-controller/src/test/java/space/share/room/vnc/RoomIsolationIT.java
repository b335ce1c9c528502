package space.share.room.vnc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import space.share.room.ControllerHarness;
import space.share.room.FakeClock;
import space.share.room.FakeStreamStatus;
import space.share.room.WsProbe;
import space.share.room.desktop.DesktopIsolation;
import space.share.room.desktop.DesktopSettings;
import space.share.room.desktop.ProcessDesktopManager;
import space.share.room.rooms.DesktopState;

/**
 * Rooms cannot reach each other: two rooms A and B run by the real {@link ProcessDesktopManager} and desktop/room.sh
 * (Xvfb, openbox + xterm, x11vnc; no audio, no encoder), then programs started in A's X session, as A's desktop
 * user with A's DISPLAY and XAUTHORITY, try B's VNC port (without a password, with A's), B's X display, B's files,
 * B's process environment and the controller's data dir. Each is refused; the same attempts on A's own VNC and
 * display succeed (so the refusals are not a broken probe), and members still reach both rooms through the proxy.
 * As root the desktops run as their own users ({@code room.desktop.isolation=auto}); otherwise the file and process
 * checks are skipped (the rooms then share one user: the controller warns) and the VNC and X checks still run.
 *
 * <p>To see it fail without the isolation: {@code -DroomIsolationIT.script=<dir with the old desktop/*.sh>/room.sh}
 * (x11vnc -nopw, Xvfb without -auth) and/or {@code -DroomIsolationIT.isolation=none
 * -DroomIsolationIT.fileChecksWithoutUsers=true}.
 */
class RoomIsolationIT {
  private static final int WIDTH = 640;
  private static final int HEIGHT = 360;
  private static Path base;
  private static Path dataDir;
  private static ProcessDesktopManager desktops;
  private static ControllerHarness harness;
  private static ProcessDesktopManager.DesktopInfo a;
  private static ProcessDesktopManager.DesktopInfo b;

  @BeforeAll
  static void startTwoRooms() throws Exception {
    // A parent every user may enter, as a data dir's usually is: only the controller's own 0700 keeps others out.
    base = Files.createTempDirectory("room-isolation-it-");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    dataDir = base.resolve("data");
    Files.createDirectories(dataDir);
    Files.writeString(dataDir.resolve("run-passcode"), "controller-secret"); // as run.sh keeps generated secrets
    DesktopSettings settings = new DesktopSettings(Path.of(System.getProperty("roomIsolationIT.script", "../desktop/room.sh")), dataDir,
        WIDTH, HEIGHT, 10, 500, 1000, 1, true, false, "xterm", "about:blank",
        700 + (int) (ProcessHandle.current().pid() % 300), 5000, 1000, 30_000, 30_000,
        Map.of("DESKTOP_COMPONENTS", "xvfb session vnc", "DESKTOP_STOP_GRACE_S", "2"),
        DesktopIsolation.Mode.parse(System.getProperty("roomIsolationIT.isolation", "auto")), base.resolve("rooms-run"));
    desktops = new ProcessDesktopManager(settings);
    harness = new ControllerHarness(dataDir, new FakeClock(System.currentTimeMillis()), new FakeStreamStatus(), desktops,
        Map.of("room.vnc.probe-interval-ms", "60000"));
    harness.createRoom("iso-a", "open-sesame");
    harness.createRoom("iso-b", "open-sesame");
    a = awaitRunning("iso-a");
    b = awaitRunning("iso-b");
  }

  private static ProcessDesktopManager.DesktopInfo awaitRunning(String roomId) throws Exception {
    try {
      X11Desktop.waitFor(() -> desktops.state(roomId) == DesktopState.RUNNING
          && desktops.info(roomId).map(i -> canConnect(i.vncPort())).orElse(false), 30_000, "room " + roomId + " desktop");
    } catch (AssertionError e) {
      Path log = dataDir.resolve("desktops").resolve(roomId).resolve("desktop.log");
      throw new AssertionError(e.getMessage() + "\n" + (Files.exists(log) ? Files.readString(log) : "(no log)"), e);
    }
    return desktops.info(roomId).orElseThrow();
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
    if (desktops != null) {
      desktops.close();
    }
    if (base != null) {
      try (var paths = Files.walk(base)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static boolean users() {
    return desktops.isolation() == DesktopIsolation.Mode.USERS;
  }

  record Result(int exitCode, String out) {}

  /** Runs {@code script} in room A's desktop session: A's user (when rooms have users), A's DISPLAY and XAUTHORITY. */
  private static Result inRoomA(String script) throws Exception {
    List<String> command = new ArrayList<>();
    if (users()) {
      // Inside A's PID namespace and its /proc, where A's own programs run.
      command.addAll(List.of("nsenter", "--target", String.valueOf(namespaceInit(a.pid())), "--pid", "--mount", "--"));
      var user = a.user().orElseThrow();
      command.addAll(List.of("setpriv", "--reuid=" + user.uid(), "--regid=" + user.gid(), "--init-groups", "--"));
    }
    command.addAll(List.of("bash", "-c", script));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.keySet().retainAll(List.of("PATH", "LANG"));
    env.put("HOME", a.runtimeDir().toString());
    env.put("DISPLAY", ":" + a.displayNum());
    env.put("XAUTHORITY", a.runtimeDir().resolve("Xauthority").toString());
    env.put("JAVA", ProcessHandle.current().info().command().orElse("java"));
    env.put("CP", Path.of("target/classes").toAbsolutePath() + ":" + Path.of("target/test-classes").toAbsolutePath());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "timed out: " + script);
    return new Result(process.exitValue(), out);
  }

  private static String probe(int port, String passwordFile) throws Exception {
    Result r = inRoomA("\"$JAVA\" -Xshare:auto -cp \"$CP\" space.share.room.vnc.RfbProbe 127.0.0.1 " + port + " " + passwordFile);
    assertEquals(0, r.exitCode(), r.out());
    return r.out();
  }

  @Test
  void fromRoomA_roomBsVncRefusedWithoutAndWithAsPassword_ownVncAccepted() throws Exception {
    String aPassword = a.runtimeDir().resolve("vnc-password").toString();
    assertEquals("OK", probe(a.vncPort(), aPassword), "A's own VNC with A's password (the probe works)");
    String noPassword = probe(b.vncPort(), "-");
    assertTrue(noPassword.startsWith("REFUSED"), "B's VNC without a password: " + noPassword);
    String withA = probe(b.vncPort(), aPassword);
    assertTrue(withA.startsWith("REFUSED"), "B's VNC with A's password: " + withA);
  }

  @Test
  void fromRoomA_roomBsXDisplayRefused_ownDisplayOpens() throws Exception {
    Result own = inRoomA("xdpyinfo -display :" + a.displayNum() + " | head -1");
    assertEquals(0, own.exitCode(), "A opens its own display: " + own.out());
    Result other = inRoomA("xdpyinfo -display :" + b.displayNum());
    assertNotEquals(0, other.exitCode(), "A opened B's display: " + other.out());
    assertTrue(other.out().contains("unable to open display"), other.out());
    // Not with B's cookie either, when A cannot read it (users); and no cookie at all is refused as well.
    Result noCookie = inRoomA("XAUTHORITY=/nonexistent xdpyinfo -display :" + b.displayNum());
    assertNotEquals(0, noCookie.exitCode(), noCookie.out());
  }

  /** The init of the PID namespace {@code unshare} (pid {@code unsharePid}) made: its only child. */
  private static long namespaceInit(long unsharePid) throws Exception {
    String children = Files.readString(Path.of("/proc/" + unsharePid + "/task/" + unsharePid + "/children")).trim();
    assertTrue(children.matches("\\d+"), "unshare " + unsharePid + " has one child: '" + children + "'");
    return Long.parseLong(children);
  }

  @Test
  void fromRoomA_roomBsProcessesAreInvisible() throws Exception {
    Assumptions.assumeTrue(users(), "ASSUMPTION: the controller is not root: rooms share the host's PID namespace");
    // Every command line A can see: B's Xvfb (-auth <B's runtime dir>/Xauthority) and ffmpeg (the stream key) are
    // among the host's, never among A's.
    Result seen = inRoomA("for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < \"$f\"; echo; done 2>/dev/null");
    assertTrue(seen.out().contains(a.runtimeDir().toString()), "A sees its own Xvfb (the probe works): " + seen.out());
    assertTrue(!seen.out().contains(b.runtimeDir().toString()), "A sees a process of B: " + seen.out());
  }

  @Test
  void fromRoomA_roomBsFilesEnvironmentProcessesAndControllerDataUnreadable() throws Exception {
    // -DroomIsolationIT.fileChecksWithoutUsers=true runs them anyway, to see them fail with shared users.
    Assumptions.assumeTrue(users() || Boolean.getBoolean("roomIsolationIT.fileChecksWithoutUsers"),
        "ASSUMPTION: the controller is not root, so all rooms share its user (room.desktop.isolation=none): file and"
        + " process isolation is not available; the VNC and X checks still ran");
    Path bRun = b.runtimeDir();
    long bPid = b.pid();
    Map<String, String> attempts = new java.util.LinkedHashMap<>();
    attempts.put("list B's runtime dir", "ls " + bRun);
    attempts.put("read B's VNC password", "cat " + bRun.resolve("vnc-password"));
    attempts.put("read B's X cookie", "cat " + bRun.resolve("Xauthority"));
    attempts.put("read B's status file", "cat " + bRun.resolve("status"));
    attempts.put("read B's room.sh environment (stream key)", "cat /proc/" + bPid + "/environ");
    attempts.put("signal B's room.sh", "kill -0 " + bPid);
    attempts.put("list the controller's data dir", "ls " + dataDir);
    attempts.put("read the controller's secrets", "cat " + dataDir.resolve("run-passcode"));
    attempts.put("read the controller's database", "cat " + dataDir.resolve("rooms.mv.db"));
    attempts.put("read B's desktop log", "cat " + dataDir.resolve("desktops/iso-b/desktop.log"));
    attempts.put("list the rooms' runtime base", "ls " + bRun.getParent());
    for (Map.Entry<String, String> attempt : attempts.entrySet()) {
      Result r = inRoomA(attempt.getValue() + " >/dev/null");
      assertNotEquals(0, r.exitCode(), attempt.getKey() + " succeeded: " + r.out());
      // B's processes do not exist in A's PID namespace at all: "No such file" / "No such process".
      assertTrue(r.out().contains("Permission denied") || r.out().contains("Operation not permitted")
          || r.out().contains("No such file or directory") || r.out().contains("No such process"),
          attempt.getKey() + ": " + r.out());
    }
    assertNotEquals(a.user().orElseThrow().uid(), b.user().orElseThrow().uid(), "A and B run as different users");
    // Positive control: A reads its own password file, so the denials above are about B, not about the probe.
    assertEquals(0, inRoomA("cat " + a.runtimeDir().resolve("vnc-password") + " >/dev/null").exitCode());
    // The controller (root) still reads B's status file: it is how the room's state is known.
    assertTrue(Files.readString(bRun.resolve("status")).contains("vnc running"));
  }

  @Test
  void members_reachBothRoomsThroughTheProxy() throws Exception {
    WebSocketClient client = new WebSocketClient();
    client.start();
    try {
      for (String room : List.of("iso-a", "iso-b")) {
        String member = harness.join(room, "open-sesame", "Mia").path("token").asText();
        harness.call("POST", "/api/rooms/" + room + "/control/request", member, null);
        String token = harness.call("POST", "/api/rooms/" + room + "/vnc-token", member, null).body().path("token").asText();
        WsProbe ws = WsProbe.connect(client, harness.wsBase() + "/rooms/" + room + "/vnc?token=" + token, "binary");
        RfbClient rfb = new RfbClient(ws);
        rfb.handshake();
        assertEquals(WIDTH, rfb.width, room);
        assertEquals(HEIGHT, rfb.height, room);
        ws.close();
      }
    } finally {
      client.stop();
    }
  }

  private static boolean canConnect(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
