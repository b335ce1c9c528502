package space.share.room.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import space.share.settings.Settings;

/** The room.desktop.kubernetes.* keys: defaults, and a bad value stops the controller naming the key and its env. */
class KubernetesDesktopSettingsTest {
  @Test
  void fromConfig_defaults_fitOne1080p30Room() {
    KubernetesDesktopSettings settings = KubernetesDesktopSettings.fromConfig(Settings.of(Map.of()));
    assertEquals("", settings.namespace());
    assertEquals("1", settings.cpuRequest());
    assertEquals("1Gi", settings.memoryRequest());
    assertEquals(100, settings.maxRooms(), "room.max-rooms");
  }

  @ParameterizedTest
  @CsvSource({
      "room.desktop.kubernetes.cpu-request, 1 core, SHARE_SPACE_ROOM_DESKTOP_KUBERNETES_CPU_REQUEST",
      "room.desktop.kubernetes.memory-limit, -1Gi, SHARE_SPACE_ROOM_DESKTOP_KUBERNETES_MEMORY_LIMIT",
      "room.desktop.kubernetes.shm-size, 0, SHARE_SPACE_ROOM_DESKTOP_KUBERNETES_SHM_SIZE",
      "room.desktop.kubernetes.image-pull-policy, sometimes, room.desktop.kubernetes.image-pull-policy",
      "room.max-rooms, 0, room.max-rooms"})
  void fromConfig_badValue_failsNamingTheKey(String key, String value, String named) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KubernetesDesktopSettings.fromConfig(Settings.of(Map.of(key, value))));
    assertTrue(e.getMessage().contains(named), e.getMessage());
  }
}
