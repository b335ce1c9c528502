package space.share.room.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import space.share.room.rooms.StaticDesktopManager;

/** Configuration edges of room isolation: modes, the runtime base, a static VNC target without its password. */
class DesktopIsolationTest {
  @TempDir Path dir;

  @Test
  void mode_parse_acceptsTheThreeAndRefusesOthers() {
    assertEquals(DesktopIsolation.Mode.USERS, DesktopIsolation.Mode.parse(" Users "));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DesktopIsolation.Mode.parse("docker"));
    assertTrue(e.getMessage().contains("room.desktop.isolation"), e.getMessage());
  }

  @Test
  void settings_runtimeBaseInsideDataDir_refused() {
    Path data = dir.resolve("data");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings(data, data.resolve("run")));
    assertTrue(e.getMessage().contains("outside room.data-dir"), e.getMessage());
  }

  @Test
  void settings_defaultRuntimeBase_outsideDataDirAndPerDataDir() {
    Path one = settings(dir.resolve("a"), null).runtimeBase();
    Path two = settings(dir.resolve("b"), null).runtimeBase();
    assertTrue(!one.startsWith(dir) && !one.equals(two), one + " " + two);
    assertTrue(one.getParent().getFileName().toString().startsWith("share-space-rooms-"), one.toString());
  }

  @Test
  void privateDir_ownedByAnotherUserOrASymlink_refused() throws Exception {
    Path target = Files.createDirectory(dir.resolve("target"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), target);
    assertThrows(java.io.IOException.class, () -> DesktopIsolation.privateDir(link, "rwx--x--x"));
    Path mine = dir.resolve("mine");
    DesktopIsolation.privateDir(mine, "rwx--x--x");
    assertEquals("rwx--x--x", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(mine)));
  }

  @Test
  void staticTarget_withoutPassword_refused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StaticDesktopManager.fromConfig("127.0.0.1:5900", ""));
    assertTrue(e.getMessage().contains("room.vnc.static-password"), e.getMessage());
    assertEquals("pw123456", StaticDesktopManager.fromConfig("127.0.0.1:5900", "pw123456").vncEndpoint("r").orElseThrow().password());
    assertTrue(StaticDesktopManager.fromConfig("", "").vncEndpoint("r").isEmpty());
  }

  private DesktopSettings settings(Path dataDir, Path runtimeBase) {
    return new DesktopSettings(dir.resolve("room.sh"), dataDir, 640, 360, 30, 2000, 1000, 1,
        true, false, "none", "about:blank", 100, 1000, 100, 200, 1000, Map.of(), DesktopIsolation.Mode.NONE, runtimeBase);
  }
}
