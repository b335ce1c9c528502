package space.share.room.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import space.share.room.rooms.DesktopState;

class StatusFileTest {
  @Test
  void parse_roomShLines_componentsWithPidsAndExitStatus() {
    List<StatusFile.Component> components = StatusFile.parse(
        "xvfb running 101 0 -\npulse running 102 0 -\nsession running 103 0 -\nvnc running 5239 1 137\nencode backoff - 2 1\n");
    assertEquals(5, components.size());
    assertEquals(new StatusFile.Component("vnc", "running", OptionalInt.of(5239), 1, OptionalInt.of(137)), components.get(3));
    assertEquals(new StatusFile.Component("encode", "backoff", OptionalInt.empty(), 2, OptionalInt.of(1)), components.get(4));
    assertTrue(components.get(4).inBackoff());
    assertFalse(components.get(4).running());
  }

  @Test
  void parse_malformedLines_skipped() {
    List<StatusFile.Component> components = StatusFile.parse("garbage\nxvfb running x 0 -\n\nvnc running 7 0 -\n");
    assertEquals(1, components.size());
    assertEquals("vnc", components.get(0).name());
  }

  @Test
  void stateOf_allRunning_running() {
    assertEquals(DesktopState.RUNNING, StatusFile.stateOf(StatusFile.parse("xvfb running 1 0 -\nencode running 2 3 1\n")));
  }

  @Test
  void stateOf_oneInBackoff_failed() {
    assertEquals(DesktopState.FAILED, StatusFile.stateOf(StatusFile.parse("xvfb running 1 0 -\nencode backoff - 1 255\n")));
  }

  @Test
  void stateOf_noFileOrStopped_starting() {
    assertEquals(DesktopState.STARTING, StatusFile.stateOf(List.of()));
    assertEquals(DesktopState.STARTING, StatusFile.stateOf(StatusFile.parse("xvfb running 1 0 -\nvnc stopped - 0 -\n")));
  }

  @Test
  void read_missingFile_empty(@TempDir Path dir) throws Exception {
    assertTrue(StatusFile.read(dir.resolve("status")).isEmpty());
    Files.writeString(dir.resolve("status"), "xvfb running 1 0 -\n");
    assertEquals(1, StatusFile.read(dir.resolve("status")).size());
  }
}
