package space.share.room.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import space.share.room.rooms.DesktopState;
import space.share.room.rooms.PublishTarget;
import space.share.room.rooms.Room;

/**
 * The supervisor against fake room.sh scripts (real processes, fake desktop): environment, state from the status
 * file, restart with backoff, and nothing left after stop even when the script ignores SIGTERM or a child escaped
 * its process group.
 */
class ProcessDesktopManagerTest {
  @TempDir
  Path dir;
  private ProcessDesktopManager manager;

  @AfterEach
  void closeManager() {
    if (manager != null) {
      manager.close();
    }
  }

  private Path fakeScript(String body) throws Exception {
    Path script = dir.resolve("room.sh");
    Files.writeString(script, "#!/usr/bin/env bash\nset -u\nmkdir -p \"$DESKTOP_RUNTIME_DIR\"\n" + body);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  private ProcessDesktopManager manager(Path script, long stopGraceMs) {
    return manager(script, stopGraceMs, Map.of());
  }

  private ProcessDesktopManager manager(Path script, long stopGraceMs, Map<String, String> extraEnv) {
    DesktopSettings settings = new DesktopSettings(script, dir.resolve("data"), 640, 360, 30,
        2000, 1000, 1, true, false, "xterm", "about:blank", 400 + (int) (ProcessHandle.current().pid() % 500),
        stopGraceMs, 200, 400, 30_000, extraEnv, DesktopIsolation.Mode.NONE, null);
    manager = new ProcessDesktopManager(settings);
    return manager;
  }

  private static final Room ROOM = new Room("room1", "Room 1", "owner", 0);

  @Test
  void start_runningScript_environmentAndStateFromStatusFile() throws Exception {
    ProcessDesktopManager desktops = manager(fakeScript("""
        env > "$DESKTOP_RUNTIME_DIR/../env.txt"
        echo "xvfb running $$ 0 -" > "$DESKTOP_RUNTIME_DIR/status"
        echo "encode backoff - 0 -" >> "$DESKTOP_RUNTIME_DIR/status"
        sleep 1
        echo "xvfb running $$ 0 -" > "$DESKTOP_RUNTIME_DIR/status.tmp"
        echo "encode running $$ 1 1" >> "$DESKTOP_RUNTIME_DIR/status.tmp"
        mv "$DESKTOP_RUNTIME_DIR/status.tmp" "$DESKTOP_RUNTIME_DIR/status"
        trap 'exit 0' TERM
        sleep 300 & wait
        """), 5000);
    desktops.start(ROOM, PublishTarget.of("a", "rtmp://127.0.0.1:1/live/", "r.room1.sig"));
    Set<DesktopState> seen = EnumSet.noneOf(DesktopState.class);
    waitFor(() -> {
      seen.add(desktops.state("room1"));
      return desktops.state("room1") == DesktopState.RUNNING;
    }, 10_000, "desktop running");
    assertTrue(seen.contains(DesktopState.FAILED), "a component in backoff shows as failed: " + seen);

    ProcessDesktopManager.DesktopInfo info = desktops.info("room1").orElseThrow();
    String env = Files.readString(info.runtimeDir().resolveSibling("env.txt"));
    assertTrue(env.contains("DESKTOP_RTMP_URL=rtmp://127.0.0.1:1/live/r.room1.sig\n"), env);
    Path urlFile = info.runtimeDir().resolve("rtmp-url");
    assertTrue(env.contains("DESKTOP_RTMP_URL_FILE=" + urlFile + "\n"), env);
    assertEquals("rtmp://127.0.0.1:1/live/r.room1.sig\n", Files.readString(urlFile));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(urlFile)));
    assertTrue(env.contains("DESKTOP_WIDTH=640\n") && env.contains("DESKTOP_HEIGHT=360\n"), env);
    assertTrue(env.contains("DESKTOP_SCREEN_CONTENT=on\n") && env.contains("DESKTOP_AUDIO=off\n"), env);
    assertTrue(env.contains("DESKTOP_DISPLAY_NUM=" + info.displayNum() + "\n"), env);
    assertTrue(env.contains("DESKTOP_VNC_LISTEN=127.0.0.1\n"), env);
    assertFalse(env.contains("SHARE_SPACE_"), env);
    // The VNC password: in a 0600 file for x11vnc, the same one for the proxy, never in the environment.
    Path passwordFile = info.runtimeDir().resolve("vnc-password");
    assertTrue(env.contains("DESKTOP_VNC_PASSWORD_FILE=" + passwordFile + "\n"), env);
    String password = desktops.vncEndpoint("room1").orElseThrow().password();
    assertEquals(password + "\n", Files.readString(passwordFile));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)));
    assertFalse(env.contains(password), env);
    assertEquals(info.vncPort(), desktops.vncAddress("room1").orElseThrow().getPort());
    assertTrue(desktops.vncAddress("room1").orElseThrow().getAddress().isLoopbackAddress());
  }

  @Test
  void stop_scriptIgnoresTermAndChildEscapedGroup_nothingLeft() throws Exception {
    ProcessDesktopManager desktops = manager(fakeScript("""
        echo "xvfb running $$ 0 -" > "$DESKTOP_RUNTIME_DIR/status"
        setsid sleep 301 &
        trap '' TERM
        sleep 302 &
        touch "$DESKTOP_RUNTIME_DIR/../ready"
        wait
        """), 500);
    desktops.start(ROOM, PublishTarget.of("a", "rtmp://127.0.0.1:1/live", "key"));
    Path ready = dir.resolve("data/desktops/room1/ready");
    waitFor(() -> Files.exists(ready), 10_000, "fake desktop started");
    Path runtimeDir = desktops.info("room1").orElseThrow().runtimeDir();
    waitFor(() -> ProcessTree.withEnvironment("DESKTOP_RUNTIME_DIR", runtimeDir.toString()).size() >= 3, 5000,
        "script and both sleeps");

    desktops.stop(ROOM);
    assertEquals(DesktopState.STOPPED, desktops.state("room1"));
    assertTrue(desktops.vncAddress("room1").isEmpty());
    desktops.close();
    List<Long> left = ProcessTree.withEnvironment("DESKTOP_RUNTIME_DIR", runtimeDir.toString());
    assertEquals(List.of(), left, "processes of the room left after stop");
    assertFalse(Files.exists(runtimeDir));
  }

  @Test
  void start_scriptDies_restartedWithBackoffAndFailedMeanwhile() throws Exception {
    ProcessDesktopManager desktops = manager(fakeScript("""
        count_file="$DESKTOP_RUNTIME_DIR/../launches"
        n=$(( $(cat "$count_file" 2>/dev/null || echo 0) + 1 ))
        echo "$n" > "$count_file"
        echo "xvfb running $$ 0 -" > "$DESKTOP_RUNTIME_DIR/status"
        if (( n < 3 )); then sleep 0.2; exit 3; fi
        trap 'exit 0' TERM
        sleep 300 & wait
        """), 5000);
    desktops.start(ROOM, PublishTarget.of("a", "rtmp://127.0.0.1:1/live", "key"));
    Set<DesktopState> seen = EnumSet.noneOf(DesktopState.class);
    waitFor(() -> {
      seen.add(desktops.state("room1"));
      return desktops.info("room1").map(i -> i.restarts() == 2).orElse(false)
          && desktops.state("room1") == DesktopState.RUNNING;
    }, 15_000, "third launch running");
    assertTrue(seen.contains(DesktopState.FAILED), "backoff shows as failed: " + seen);
    assertEquals("3", Files.readString(dir.resolve("data/desktops/room1/launches")).trim());
    assertEquals(2, desktops.restartsTotal(), "the metrics' desktop restarts");
  }

  /**
   * The real room.sh with a stand-in encode.sh that logs the URL it publishes to: a new target given to a running
   * room restarts the encoder (only it) with the new URL, at once.
   */
  @Test
  void start_againWithAnotherTarget_roomShRestartsEncoderWithNewUrl() throws Exception {
    Path scripts = Files.createDirectories(dir.resolve("scripts"));
    Path desktopDir = Path.of(System.getProperty("roomDesktop.scripts", "../desktop"));
    Files.copy(desktopDir.resolve("room.sh"), scripts.resolve("room.sh"));
    Files.copy(desktopDir.resolve("lib.sh"), scripts.resolve("lib.sh"));
    Path published = dir.resolve("published.txt");
    Files.writeString(scripts.resolve("encode.sh"), "#!/usr/bin/env bash\necho \"$DESKTOP_RTMP_URL\" >> " + published
        + "\ntrap 'exit 0' TERM\nsleep 300 & wait\n");
    for (String name : List.of("room.sh", "encode.sh")) {
      Files.setPosixFilePermissions(scripts.resolve(name), PosixFilePermissions.fromString("rwx------"));
    }
    ProcessDesktopManager desktops = manager(scripts.resolve("room.sh"), 5000,
        Map.of("DESKTOP_COMPONENTS", "encode", "DESKTOP_STOP_GRACE_S", "2"));
    desktops.start(ROOM, PublishTarget.of("a", "rtmp://a.test/live", "key"));
    waitFor(() -> lines(published).equals(List.of("rtmp://a.test/live/key")), 10_000, "encoder publishing to a");
    long roomShPid = desktops.info("room1").orElseThrow().pid();

    desktops.start(ROOM, PublishTarget.of("b", "rtmp://b.test/live", "key"));
    waitFor(() -> lines(published).equals(List.of("rtmp://a.test/live/key", "rtmp://b.test/live/key")), 10_000,
        "encoder restarted publishing to b");
    assertEquals(roomShPid, desktops.info("room1").orElseThrow().pid(), "room.sh itself kept running");
    desktops.start(ROOM, PublishTarget.of("b", "rtmp://b.test/live", "key")); // the same target: nothing restarts
    desktops.stop(ROOM);
    desktops.close();
    assertEquals(2, lines(published).size(), lines(published).toString());
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static void waitFor(BooleanSupplier condition, long timeoutMs, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
