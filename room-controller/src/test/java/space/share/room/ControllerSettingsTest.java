package space.share.room;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import space.share.room.desktop.DesktopSettings;
import space.share.room.desktop.KubernetesDesktopSettings;
import space.share.room.rooms.StaticDesktopManager;
import space.share.settings.Settings;
import space.share.settings.ShippedConfig;

/** Every key the controller reads is in the shipped config file with the controller's own default. */
class ControllerSettingsTest {
  @TempDir Path dataDir;

  @Test
  void everyKeyReadAtStart_isShippedWithTheCodeDefault() throws Exception {
    Map<String, String> defaults = new HashMap<>();
    try (ControllerHarness harness = new ControllerHarness(dataDir, new FakeClock(1_800_000_000_000L),
        new FakeStreamStatus(), new StaticDesktopManager(null), Map.of())) {
      defaults.putAll(harness.settings.defaultsRead());
    }
    // The keys of the other desktop modes, read only when chosen.
    Settings desktop = Settings.of(Map.of());
    DesktopSettings.fromConfig(desktop);
    KubernetesDesktopSettings.fromConfig(desktop);
    RoomController.desktopManager(desktop);
    defaults.putAll(desktop.defaultsRead());
    Path file = Path.of("../config/share-space.properties");
    List<String> problems = ShippedConfig.problems(defaults, ShippedConfig.read(file), Files.readString(file));
    assertEquals(List.of(), problems);
  }
}
