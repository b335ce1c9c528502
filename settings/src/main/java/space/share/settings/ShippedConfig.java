package space.share.settings;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The shipped {@code config/share-space.properties} held against what a server reads: every key a server asks for
 * must be in the file, with the server's own default as its value, so the file documents every setting and its
 * real default. Each server's tests run {@link #problems} over the keys {@link Settings#defaultsRead()} recorded.
 */
public final class ShippedConfig {
  private ShippedConfig() {}

  public static Properties read(Path file) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    }
    return properties;
  }

  /** One line per key that is read but not in {@code shipped}, or whose shipped value is not the code's default. */
  public static List<String> problems(Map<String, String> defaultsRead, Properties shipped, String shippedText) {
    List<String> problems = new ArrayList<>();
    new TreeMap<>(defaultsRead).forEach((key, codeDefault) -> {
      if (key.contains("*")) {
        // A key family (media.streams.<id>.key): documented by its pattern in a comment or an example entry.
        String[] ends = key.split("\\*", -1);
        boolean documented = shippedText.contains(ends[0] + "<") || shipped.stringPropertyNames().stream()
            .anyMatch(k -> k.startsWith(ends[0]) && k.endsWith(ends[1]));
        if (!documented) {
          problems.add(key + ": key family not documented");
        }
        return;
      }
      String value = shipped.getProperty(key);
      if (value == null) {
        problems.add(key + ": read by the server, missing from the shipped file (default " + codeDefault + ")");
      } else if (!normal(value).equals(normal(codeDefault))) {
        problems.add(key + ": shipped as '" + value.trim() + "', the server's default is '" + codeDefault + "'");
      }
    });
    return problems;
  }

  private static String normal(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "true", "yes", "1" -> "on";
      case "false", "no", "0" -> "off";
      default -> v;
    };
  }
}
