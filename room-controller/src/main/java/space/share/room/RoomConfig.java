package space.share.room;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The controller's view of {@code config/share-space.properties} with environment overrides, as
 * docs/protocol.md specifies: {@code room.http.port} is overridden by {@code SHARE_SPACE_ROOM_HTTP_PORT}.
 *
 * <p>Immutable after construction; safe to share between threads.
 */
public final class RoomConfig {
  /** The environment variable naming the config file. */
  public static final String CONFIG_PATH_ENV = "SHARE_SPACE_CONFIG";
  /** Where the config file is looked up when {@link #CONFIG_PATH_ENV} is not set. */
  public static final String DEFAULT_CONFIG_PATH = "config/share-space.properties";

  private final Properties fileProperties;
  private final Map<String, String> env;

  public RoomConfig(Properties fileProperties, Map<String, String> env) {
    this.fileProperties = fileProperties;
    this.env = env;
  }

  /** Loads the file named by the environment (or the default path, if it exists) plus env overrides. */
  public static RoomConfig load(Map<String, String> env) throws IOException {
    String configured = env.get(CONFIG_PATH_ENV);
    Path path = Path.of(configured != null && !configured.isBlank() ? configured : DEFAULT_CONFIG_PATH);
    Properties properties = new Properties();
    if (Files.isRegularFile(path)) {
      try (InputStream in = Files.newInputStream(path)) {
        properties.load(in);
      }
    } else if (configured != null && !configured.isBlank()) {
      throw new IOException("config file " + path.toAbsolutePath() + " (from " + CONFIG_PATH_ENV + ") not found");
    }
    return new RoomConfig(properties, env);
  }

  /** {@code room.http.port} → {@code SHARE_SPACE_ROOM_HTTP_PORT}. */
  public static String envName(String key) {
    return "SHARE_SPACE_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The value of {@code key}: environment first, then the file, then {@code defaultValue}. */
  public String get(String key, String defaultValue) {
    String fromEnv = env.get(envName(key));
    if (fromEnv != null) {
      return fromEnv.trim();
    }
    String fromFile = fileProperties.getProperty(key);
    return fromFile != null ? fromFile.trim() : defaultValue;
  }

  public long getLong(String key, long defaultValue) {
    String value = get(key, null);
    if (value == null || value.isEmpty()) {
      return defaultValue;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("config key " + key + " (env " + envName(key) + ") is not a number: " + value, e);
    }
  }

  public int getInt(String key, int defaultValue) {
    long value = getLong(key, defaultValue);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("config key " + key + " is out of range: " + value);
    }
    return (int) value;
  }
}
