package space.share.room.desktop;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import space.share.settings.Settings;

/**
 * What every room desktop gets: the {@code room.desktop.*} keys of config/share-space.properties, turned into the
 * {@code DESKTOP_*} environment of desktop/room.sh (docs/desktop.md). Immutable.
 *
 * @param script desktop/room.sh
 * @param dataDir per-room logs and runtime dirs go under {@code {dataDir}/desktops/{roomId}/}
 * @param rtmpBaseUrl a room publishes to {@code {rtmpBaseUrl}/{stream key}}
 * @param displayBase the first X display number tried; rooms take the next free ones
 * @param stopGraceMs SIGTERM to room.sh, then this long before SIGKILL of everything left
 * @param restartInitialMs first restart delay of a dead room.sh (doubling up to {@code restartMaxMs})
 * @param restartResetMs a room.sh that stayed up this long gets the initial delay again
 * @param extraEnv more environment for room.sh (e.g. {@code DESKTOP_COMPONENTS}, {@code DESKTOP_STOP_GRACE_S})
 * @param isolation {@code room.desktop.isolation}: a system user per room desktop or not (DesktopIsolation)
 * @param runtimeBase with a user per room, where the rooms' runtime dirs go (outside the controller's private data
 *     dir, which room users cannot enter); null: {@code {java.io.tmpdir}/share-space-rooms-{uid}/{hash of dataDir}}
 */
public record DesktopSettings(
    Path script,
    Path dataDir,
    String rtmpBaseUrl,
    int width,
    int height,
    int fps,
    int bitrateKbps,
    int vbvMs,
    int gopSeconds,
    boolean screenContent,
    boolean audio,
    String app,
    String startUrl,
    int displayBase,
    long stopGraceMs,
    long restartInitialMs,
    long restartMaxMs,
    long restartResetMs,
    Map<String, String> extraEnv,
    DesktopIsolation.Mode isolation,
    Path runtimeBase) {

  /** No isolation setting: {@link DesktopIsolation.Mode#AUTO}, default runtime base. */
  public DesktopSettings(Path script, Path dataDir, String rtmpBaseUrl, int width, int height, int fps, int bitrateKbps,
      int vbvMs, int gopSeconds, boolean screenContent, boolean audio, String app, String startUrl, int displayBase,
      long stopGraceMs, long restartInitialMs, long restartMaxMs, long restartResetMs, Map<String, String> extraEnv) {
    this(script, dataDir, rtmpBaseUrl, width, height, fps, bitrateKbps, vbvMs, gopSeconds, screenContent, audio, app,
        startUrl, displayBase, stopGraceMs, restartInitialMs, restartMaxMs, restartResetMs, extraEnv,
        DesktopIsolation.Mode.AUTO, null);
  }

  public DesktopSettings {
    require(width > 0 && width % 2 == 0 && width <= 7680, "room.desktop.width must be even, 2-7680: " + width);
    require(height > 0 && height % 2 == 0 && height <= 4320, "room.desktop.height must be even, 2-4320: " + height);
    require(fps >= 1 && fps <= 120, "room.desktop.fps must be 1-120: " + fps);
    require(bitrateKbps >= 100 && bitrateKbps <= 100_000, "room.desktop.bitrate-kbps must be 100-100000: " + bitrateKbps);
    require(vbvMs >= 50 && vbvMs <= 10_000, "room.desktop.vbv-ms must be 50-10000: " + vbvMs);
    require(gopSeconds >= 1 && gopSeconds <= 60, "room.desktop.gop-seconds must be 1-60: " + gopSeconds);
    require(app.equals("chromium") || app.equals("xterm") || app.equals("none"),
        "room.desktop.app must be chromium, xterm or none: " + app);
    require(displayBase >= 1 && displayBase < 60_000, "room.desktop.display-base must be 1-59999: " + displayBase);
    require(stopGraceMs > 0 && restartInitialMs > 0 && restartMaxMs >= restartInitialMs && restartResetMs > 0,
        "room.desktop stop/restart times must be positive");
    script = script.toAbsolutePath().normalize();
    dataDir = dataDir.toAbsolutePath().normalize();
    extraEnv = Map.copyOf(extraEnv);
    if (runtimeBase == null) {
      String hash = java.util.HexFormat.of().formatHex(sha256(dataDir.toString()), 0, 6);
      runtimeBase = Path.of(System.getProperty("java.io.tmpdir"), "share-space-rooms-" + DesktopIsolation.currentUid(), hash);
    }
    runtimeBase = runtimeBase.toAbsolutePath().normalize();
    require(!runtimeBase.startsWith(dataDir), "room.desktop.runtime-base must be outside room.data-dir (room users"
        + " cannot enter the data dir): " + runtimeBase);
  }

  private static byte[] sha256(String text) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The room's VNC password, in its runtime dir (0600, the room's user): x11vnc -passwdfile reads it. */
  public static final String VNC_PASSWORD_FILE = "vnc-password";

  /** The {@code room.desktop.*} keys, with the documented defaults (1920x1080, 30 fps, 6000 kbps, 4:4:4...). */
  public static DesktopSettings fromConfig(Settings config) {
    Map<String, String> extra = new LinkedHashMap<>();
    String components = config.get("room.desktop.components", "");
    if (!components.isEmpty()) {
      extra.put("DESKTOP_COMPONENTS", components);
    }
    return new DesktopSettings(
        Path.of(config.get("room.desktop.script", "desktop/room.sh")),
        Path.of(config.get("room.data-dir", "./data")),
        config.get("room.desktop.rtmp-url", "rtmp://127.0.0.1:1935/live"),
        config.getInt("room.desktop.width", 1920),
        config.getInt("room.desktop.height", 1080),
        config.getInt("room.desktop.fps", 30),
        config.getInt("room.desktop.bitrate-kbps", 6000),
        config.getInt("room.desktop.vbv-ms", 1000),
        config.getInt("room.desktop.gop-seconds", 1),
        onOff(config, "room.desktop.screen-content", true),
        onOff(config, "room.desktop.audio", true),
        config.get("room.desktop.app", "chromium"),
        config.get("room.desktop.start-url", "about:blank"),
        config.getInt("room.desktop.display-base", 100),
        config.getLong("room.desktop.stop-grace-ms", 20_000),
        config.getLong("room.desktop.restart-initial-ms", 1000),
        config.getLong("room.desktop.restart-max-ms", 30_000),
        config.getLong("room.desktop.restart-reset-ms", 30_000),
        extra,
        DesktopIsolation.Mode.parse(config.get("room.desktop.isolation", "auto")),
        config.get("room.desktop.runtime-base", "").isBlank() ? null : Path.of(config.get("room.desktop.runtime-base", "")));
  }

  /** room.sh's environment for one room (without the inherited process environment). */
  public Map<String, String> environment(int displayNum, int vncPort, Path runtimeDir, String streamKey) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("DESKTOP_VNC_PASSWORD_FILE", runtimeDir.resolve(VNC_PASSWORD_FILE).toString());
    env.put("DESKTOP_DISPLAY_NUM", Integer.toString(displayNum));
    env.put("DESKTOP_VNC_PORT", Integer.toString(vncPort));
    env.put("DESKTOP_VNC_LISTEN", "127.0.0.1");
    env.put("DESKTOP_RUNTIME_DIR", runtimeDir.toString());
    env.put("DESKTOP_RTMP_URL", rtmpBaseUrl.replaceAll("/+$", "") + "/" + streamKey);
    env.putAll(sharedEnvironment());
    return env;
  }

  /** The part of a desktop's environment every room gets alike (screen, encoder, app), in both desktop modes. */
  public Map<String, String> sharedEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("DESKTOP_WIDTH", Integer.toString(width));
    env.put("DESKTOP_HEIGHT", Integer.toString(height));
    env.put("DESKTOP_FPS", Integer.toString(fps));
    env.put("DESKTOP_BITRATE_KBPS", Integer.toString(bitrateKbps));
    env.put("DESKTOP_VBV_MS", Integer.toString(vbvMs));
    env.put("DESKTOP_GOP_SECONDS", Integer.toString(gopSeconds));
    env.put("DESKTOP_SCREEN_CONTENT", screenContent ? "on" : "off");
    env.put("DESKTOP_AUDIO", audio ? "on" : "off");
    env.put("DESKTOP_APP", app);
    env.put("DESKTOP_START_URL", startUrl);
    env.putAll(extraEnv);
    return env;
  }

  private static boolean onOff(Settings config, String key, boolean defaultValue) {
    String value = config.get(key, defaultValue ? "on" : "off").toLowerCase(java.util.Locale.ROOT);
    return switch (value) {
      case "on", "true", "yes", "1" -> true;
      case "off", "false", "no", "0" -> false;
      default -> throw new IllegalArgumentException("config key " + key + " (env " + Settings.envName(key)
          + ") must be on or off: " + value);
    };
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
