package space.share.settings;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The settings of one Share Space process: {@code config/share-space.properties} (or the file {@code
 * $SHARE_SPACE_CONFIG} names) overlaid by the environment. <b>The environment always wins</b>: key {@code
 * media.http.port} is read from {@code SHARE_SPACE_MEDIA_HTTP_PORT} when that is set, else from the file, else the
 * caller's default. Both servers read their configuration through this one class.
 *
 * <p>Values are trimmed. A malformed number or switch fails with the key and its environment name in the message.
 * Every key asked for is remembered ({@link #keysRead()}), so a test can check that each key a server reads is
 * documented and has its default tested.
 *
 * <p>Immutable apart from that record; thread-safe.
 */
public final class Settings {
  /** The environment variable naming the config file. */
  public static final String CONFIG_PATH_ENV = "SHARE_SPACE_CONFIG";
  /** Where the config file is looked up when {@link #CONFIG_PATH_ENV} is not set. */
  public static final String DEFAULT_CONFIG_PATH = "config/share-space.properties";
  private static final String ENV_PREFIX = "SHARE_SPACE_";

  private final Map<String, String> fileValues;
  private final Map<String, String> envValues;
  private final Map<String, String> defaultsRead = new ConcurrentHashMap<>();

  private Settings(Map<String, String> fileValues, Map<String, String> env) {
    Map<String, String> file = new TreeMap<>();
    fileValues.forEach((key, value) -> file.put(key.trim(), value.trim()));
    Map<String, String> ours = new TreeMap<>();
    env.forEach((name, value) -> {
      if (name.startsWith(ENV_PREFIX)) {
        ours.put(name, value.trim());
      }
    });
    this.fileValues = Collections.unmodifiableMap(file);
    this.envValues = Collections.unmodifiableMap(ours);
  }

  /**
   * Reads the file {@code env} names (or the default path, when it exists) with {@code env} over it.
   *
   * @throws IOException when {@code SHARE_SPACE_CONFIG} names a file that does not exist, or reading fails
   */
  public static Settings load(Map<String, String> env) throws IOException {
    String configured = env.get(CONFIG_PATH_ENV);
    boolean named = configured != null && !configured.isBlank();
    Path path = Path.of(named ? configured.trim() : DEFAULT_CONFIG_PATH);
    Properties properties = new Properties();
    if (Files.isRegularFile(path)) {
      try (Reader reader = Files.newBufferedReader(path)) {
        properties.load(reader);
      }
    } else if (named) {
      throw new IOException("config file " + path.toAbsolutePath() + " (from " + CONFIG_PATH_ENV + ") not found");
    }
    return of(properties, env);
  }

  public static Settings of(Properties file, Map<String, String> env) {
    Map<String, String> values = new TreeMap<>();
    file.stringPropertyNames().forEach(key -> values.put(key, file.getProperty(key)));
    return new Settings(values, env);
  }

  /** Settings from {@code file} keys alone (tests, embedded servers). */
  public static Settings of(Map<String, String> file) {
    return new Settings(file, Map.of());
  }

  public static Settings of(Map<String, String> file, Map<String, String> env) {
    return new Settings(file, env);
  }

  /** {@code room.http.port} → {@code SHARE_SPACE_ROOM_HTTP_PORT}. */
  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The value of {@code key}: the environment first, then the file, then {@code defaultValue}. */
  public String get(String key, String defaultValue) {
    String value = raw(key, defaultValue == null ? "" : defaultValue);
    return value != null ? value : defaultValue;
  }

  private String raw(String key, String defaultText) {
    defaultsRead.putIfAbsent(key, defaultText);
    String fromEnv = envValues.get(envName(key));
    return fromEnv != null ? fromEnv : fileValues.get(key);
  }

  /** Where the value of {@code key} comes from, for messages: its environment name or the key itself. */
  public String describe(String key) {
    return envValues.containsKey(envName(key)) ? envName(key) : key + " (env " + envName(key) + ")";
  }

  public long getLong(String key, long defaultValue) {
    String value = raw(key, String.valueOf(defaultValue));
    if (value == null || value.isEmpty()) {
      return defaultValue;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("config key " + describe(key) + " is not a whole number: '" + value + "'", e);
    }
  }

  public int getInt(String key, int defaultValue) {
    long value = getLong(key, defaultValue);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("config key " + describe(key) + " is out of range: " + value);
    }
    return (int) value;
  }

  /** on/off, true/false, yes/no, 1/0. */
  public boolean getBool(String key, boolean defaultValue) {
    String value = raw(key, defaultValue ? "on" : "off");
    if (value == null || value.isEmpty()) {
      return defaultValue;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "on", "true", "yes", "1" -> true;
      case "off", "false", "no", "0" -> false;
      default -> throw new IllegalArgumentException("config key " + describe(key) + " must be on or off: '" + value + "'");
    };
  }

  /**
   * The family of keys {@code prefix<name>suffix}, by name, from the file and from the environment (the environment
   * winning): {@code group("media.streams.", ".key")} finds {@code media.streams.demo.key=...} and {@code
   * SHARE_SPACE_MEDIA_STREAMS_DEMO_KEY=...} as {@code demo}. Names from the environment are lower-cased; as dots and
   * dashes both fold to underscores there, a name with either is only found in the file.
   */
  public Map<String, String> group(String prefix, String suffix) {
    defaultsRead.putIfAbsent(prefix + "*" + suffix, "");
    Map<String, String> byName = new TreeMap<>();
    fileValues.forEach((key, value) -> {
      if (key.startsWith(prefix) && key.endsWith(suffix) && key.length() > prefix.length() + suffix.length()) {
        byName.put(key.substring(prefix.length(), key.length() - suffix.length()), value);
      }
    });
    String envPrefix = envName(prefix);
    String envSuffix = envName(suffix).substring(ENV_PREFIX.length());
    envValues.forEach((name, value) -> {
      if (name.startsWith(envPrefix) && name.endsWith(envSuffix) && name.length() > envPrefix.length() + envSuffix.length()) {
        byName.put(name.substring(envPrefix.length(), name.length() - envSuffix.length()).toLowerCase(Locale.ROOT), value);
      }
    });
    return byName;
  }

  /** Every key asked for so far ({@code prefix*suffix} for a {@link #group}). */
  public Set<String> keysRead() {
    return Set.copyOf(defaultsRead.keySet());
  }

  /**
   * Every key asked for so far with the default its reader gave, as text ({@code ""} for none; switches as {@code
   * on}/{@code off}): what a key is when neither the file nor the environment sets it.
   */
  public Map<String, String> defaultsRead() {
    return Map.copyOf(defaultsRead);
  }

  /** The keys set in the file (not the environment). */
  public Set<String> fileKeys() {
    return fileValues.keySet();
  }
}
