package space.share.media.testing;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: every line must be a {@code # HELP},
 * a {@code # TYPE} or a sample of a declared family, with well-formed names, label sets (escapes included) and
 * values; each histogram's buckets must be cumulative and end in {@code +Inf} equal to {@code _count}. Anything else
 * fails with the line quoted. Shares no code with the writer.
 */
public final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME.pattern() + ") (.*)");
  private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME.pattern() + ") "
      + "(counter|gauge|histogram|summary|untyped)");
  private static final Pattern SAMPLE = Pattern.compile("(" + NAME.pattern() + ")(\\{(.*)})? (\\S+)( -?\\d+)?");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");

  private final Map<String, String> types = new HashMap<>();
  /** {@code name{a="x",b="y"}} with labels sorted → value. */
  private final Map<String, Double> samples = new LinkedHashMap<>();

  private PrometheusText() {}

  public static PrometheusText parse(String text) {
    PrometheusText parsed = new PrometheusText();
    for (String line : text.split("\n", -1)) {
      parsed.line(line);
    }
    parsed.checkHistograms();
    return parsed;
  }

  private void line(String line) {
    if (line.isEmpty()) {
      return;
    }
    if (line.startsWith("#")) {
      Matcher type = TYPE.matcher(line);
      if (type.matches()) {
        if (types.put(type.group(1), type.group(2)) != null) {
          throw new AssertionError("second TYPE for " + type.group(1) + ": " + line);
        }
        return;
      }
      if (!HELP.matcher(line).matches()) {
        throw new AssertionError("malformed comment line: " + line);
      }
      return;
    }
    Matcher sample = SAMPLE.matcher(line);
    if (!sample.matches()) {
      throw new AssertionError("malformed sample line: " + line);
    }
    String name = sample.group(1);
    if (family(name) == null) {
      throw new AssertionError("sample of no declared family: " + line);
    }
    Map<String, String> labels = new TreeMap<>();
    String labelText = sample.group(3);
    if (labelText != null && !labelText.isEmpty()) {
      Matcher label = LABEL.matcher(labelText);
      int at = 0;
      while (at < labelText.length()) {
        if (!label.find(at) || label.start() != at) {
          throw new AssertionError("malformed labels: " + line);
        }
        if (labels.put(label.group(1), label.group(2)) != null) {
          throw new AssertionError("label given twice: " + line);
        }
        at = label.end();
        if (at < labelText.length()) {
          if (labelText.charAt(at) != ',') {
            throw new AssertionError("malformed labels: " + line);
          }
          at++;
        }
      }
    }
    double value = value(sample.group(4), line);
    if (samples.put(key(name, labels), value) != null) {
      throw new AssertionError("duplicate sample: " + line);
    }
  }

  private static double value(String text, String line) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> {
        try {
          yield Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new AssertionError("malformed value: " + line);
        }
      }
    };
  }

  /** The declared family a sample name belongs to (histogram and summary samples carry a suffix). */
  private String family(String name) {
    if (types.containsKey(name)) {
      return name;
    }
    for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        String type = types.get(base);
        if ("histogram".equals(type) || ("summary".equals(type) && !suffix.equals("_bucket"))) {
          return base;
        }
      }
    }
    return null;
  }

  private void checkHistograms() {
    types.forEach((name, type) -> {
      if (!type.equals("histogram")) {
        return;
      }
      Map<String, TreeMap<Double, Double>> bucketsBySeries = new HashMap<>();
      samples.forEach((key, value) -> {
        if (key.startsWith(name + "_bucket{")) {
          Matcher le = Pattern.compile("le=\"([^\"]+)\"").matcher(key);
          if (!le.find()) {
            throw new AssertionError("bucket without le: " + key);
          }
          String series = key.substring(key.indexOf('{')).replace(le.group(0), "").replace("{,", "{").replace(",}", "}")
              .replace(",,", ",");
          bucketsBySeries.computeIfAbsent(series, s -> new TreeMap<>()).put(value(le.group(1), key), value);
        }
      });
      bucketsBySeries.forEach((series, buckets) -> {
        double previous = 0;
        for (double count : buckets.values()) {
          if (count < previous) {
            throw new AssertionError(name + series + ": buckets are not cumulative: " + buckets);
          }
          previous = count;
        }
        if (buckets.lastKey() != Double.POSITIVE_INFINITY) {
          throw new AssertionError(name + series + ": no +Inf bucket");
        }
        Double count = samples.get(name + "_count" + (series.equals("{}") ? "" : series));
        if (count == null || count.doubleValue() != buckets.lastEntry().getValue()) {
          throw new AssertionError(name + series + ": _count " + count + " is not the +Inf bucket " + buckets);
        }
      });
    });
  }

  private static String key(String name, Map<String, String> labels) {
    if (labels.isEmpty()) {
      return name;
    }
    StringBuilder key = new StringBuilder(name).append('{');
    labels.forEach((k, v) -> key.append(k).append("=\"").append(v).append("\","));
    key.setLength(key.length() - 1);
    return key.append('}').toString();
  }

  /** The declared type of a family, or null. */
  public String type(String family) {
    return types.get(family);
  }

  /**
   * The value of the sample {@code name} with exactly these labels ({@code "k", "v", ...}), or null when there is
   * none.
   */
  public Double value(String name, String... labelPairs) {
    Map<String, String> labels = new TreeMap<>();
    for (int i = 0; i < labelPairs.length; i += 2) {
      labels.put(labelPairs[i], labelPairs[i + 1]);
    }
    return samples.get(key(name, labels));
  }

  /** Whether any sample of {@code name} has label {@code label} equal to {@code value}. */
  public boolean hasSeries(String name, String label, String value) {
    String needle = label + "=\"" + value + "\"";
    return samples.keySet().stream().anyMatch(k -> (k.startsWith(name + "{")) && k.contains(needle));
  }
}
