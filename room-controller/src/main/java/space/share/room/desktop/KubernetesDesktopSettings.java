package space.share.room.desktop;

import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Set;
import space.share.room.rooms.RoomLimits;
import space.share.settings.Settings;

/**
 * The {@code room.desktop.kubernetes.*} keys: where and how {@link KubernetesDesktopManager} runs a room's desktop
 * pod (docs/kubernetes.md). The screen, encoder and app settings are {@link DesktopSettings}', as in process mode.
 * Immutable.
 *
 * @param namespace empty: the namespace of the controller's service account (in a cluster), else the kubeconfig's
 * @param image the room-desktop image (desktop/Dockerfile)
 * @param cpuRequest Kubernetes quantities; the defaults fit one 1080p30 room (encoder ~0.5 core, browser, X)
 * @param shmSize the pod's /dev/shm (memory-backed; Chromium's shared memory), counted in its memory limit
 * @param maxRooms pods this manager runs at most ({@code room.max-rooms}): its map of rooms never grows past it
 */
public record KubernetesDesktopSettings(
    String namespace,
    String image,
    String imagePullPolicy,
    String cpuRequest,
    String cpuLimit,
    String memoryRequest,
    String memoryLimit,
    String shmSize,
    int maxRooms) {

  private static final Set<String> PULL_POLICIES = Set.of("Always", "IfNotPresent", "Never");

  public KubernetesDesktopSettings {
    require(!image.isBlank(), "room.desktop.kubernetes.image must name the room-desktop image");
    require(PULL_POLICIES.contains(imagePullPolicy),
        "room.desktop.kubernetes.image-pull-policy must be Always, IfNotPresent or Never: " + imagePullPolicy);
    quantity("room.desktop.kubernetes.cpu-request", cpuRequest);
    quantity("room.desktop.kubernetes.cpu-limit", cpuLimit);
    quantity("room.desktop.kubernetes.memory-request", memoryRequest);
    quantity("room.desktop.kubernetes.memory-limit", memoryLimit);
    quantity("room.desktop.kubernetes.shm-size", shmSize);
    require(maxRooms >= 1, "room.max-rooms must be at least 1: " + maxRooms);
  }

  public static KubernetesDesktopSettings fromConfig(Settings config) {
    return new KubernetesDesktopSettings(
        config.get("room.desktop.kubernetes.namespace", ""),
        config.get("room.desktop.kubernetes.image", "share-space/desktop:latest"),
        config.get("room.desktop.kubernetes.image-pull-policy", "IfNotPresent"),
        config.get("room.desktop.kubernetes.cpu-request", "1"),
        config.get("room.desktop.kubernetes.cpu-limit", "2"),
        config.get("room.desktop.kubernetes.memory-request", "1Gi"),
        config.get("room.desktop.kubernetes.memory-limit", "2Gi"),
        config.get("room.desktop.kubernetes.shm-size", "512Mi"),
        config.getInt("room.max-rooms", RoomLimits.DEFAULTS.maxRooms()));
  }

  private static void quantity(String key, String value) {
    try {
      if (Quantity.getAmountInBytes(new Quantity(value)).signum() <= 0) {
        throw new IllegalArgumentException("not positive");
      }
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new IllegalArgumentException(key + " (env " + Settings.envName(key) + ") must be a positive Kubernetes"
          + " quantity (e.g. 500m, 1, 1Gi): " + value);
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
