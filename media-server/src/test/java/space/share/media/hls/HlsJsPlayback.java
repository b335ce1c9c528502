package space.share.media.hls;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import space.share.media.testing.Chromium;
import space.share.media.testing.StaticPages;

/**
 * Plays a playlist with hls.js in headless Chromium for a bounded time and sums up what the page reported:
 * capture-to-display latencies (stamped source), hls.js's own latency estimate, low-latency mode, errors.
 */
final class HlsJsPlayback {
  /** What one playback showed after its warm-up. */
  record Result(List<Double> latenciesMs, List<Double> hlsLatenciesS, boolean alwaysLowLatency, double currentTimeS,
      double playedS, long stampedFrames, long decodedFrames, long droppedFrames, long partLoads, long fragLoads,
      Set<String> errors) {

    double latencyPercentileMs(double percentile) {
      return percentile(latenciesMs, percentile);
    }

    double hlsLatencyPercentileS(double percentile) {
      return percentile(hlsLatenciesS, percentile);
    }

    String summary() {
      return String.format(java.util.Locale.ROOT,
          "capture->display p50 %.0f ms p95 %.0f ms (%d stamped frames), hls.latency p50 %.2f s, low-latency mode %s,"
              + " played %.1f s, %d parts + %d segments loaded, dropped %d/%d frames, errors %s",
          latencyPercentileMs(50), latencyPercentileMs(95), latenciesMs.size(), hlsLatencyPercentileS(50),
          alwaysLowLatency, playedS, partLoads, fragLoads, droppedFrames, decodedFrames, errors);
    }
  }

  /**
   * lowLatencyMode plus a live-edge policy: hold 0.7 s behind the edge, seek back to it past 1.1 s, speed up to
   * 1.1x in between. hls.js's defaults never catch up after a late start or a stall (see docs/hls.md); the tests use
   * this so that a CPU shared with other test runs does not decide the outcome.
   */
  static final String LOW_LATENCY_TUNED = "ll&sync=0.7&max=1.1&catchup=1.1";

  private HlsJsPlayback() {}

  /** The longest warm-up: until the video plays, or this. */
  static final long MAX_WARMUP_MS = 30_000;

  /**
   * @param mode {@code ll} (hls.js lowLatencyMode) or {@code legacy} (plain HLS tuned for low delay)
   * @param warmupMs playback before measuring starts (hls.js settles on its live edge); longer until the video plays
   */
  static Result play(StaticPages pages, String playlistUrl, String mode, long warmupMs, long measureMs)
      throws Exception {
    try (Chromium.Session chromium = Chromium.open()) {
      chromium.driver().get(pages.url("/hls-player.html?mode=" + mode + "&src="
          + URLEncoder.encode(playlistUrl, StandardCharsets.UTF_8)));
      List<Double> latencies = new ArrayList<>();
      List<Double> hlsLatencies = new ArrayList<>();
      Set<String> errors = new LinkedHashSet<>();
      boolean alwaysLowLatency = true;
      double startTime = -1;
      Map<String, Object> last = Map.of();
      long startMs = System.currentTimeMillis();
      // The warm-up lasts warmupMs and until the video plays (a loaded machine starts Chromium and hls.js slowly),
      // MAX_WARMUP_MS at most; then measureMs of measuring.
      long measureFromMs = -1;
      while (measureFromMs < 0 || System.currentTimeMillis() < measureFromMs + measureMs) {
        Thread.sleep(500);
        @SuppressWarnings("unchecked")
        Map<String, Object> report = (Map<String, Object>) chromium.script("return window.report();");
        last = report;
        if (Boolean.getBoolean("hls.trace")) {
          System.out.println("REPORT " + report.entrySet().stream().filter(e -> !e.getKey().equals("latencies"))
              .map(e -> e.getKey() + "=" + e.getValue()).toList());
        }
        @SuppressWarnings("unchecked")
        List<Object> errorList = (List<Object>) report.get("errors");
        errorList.forEach(e -> errors.add(String.valueOf(e)));
        if (measureFromMs < 0) {
          long elapsedMs = System.currentTimeMillis() - startMs;
          if (elapsedMs < warmupMs || (number(report.get("currentTime")) <= 0 && elapsedMs < MAX_WARMUP_MS)) {
            continue;
          }
          measureFromMs = System.currentTimeMillis();
        }
        if (startTime < 0) {
          startTime = number(report.get("currentTime"));
        }
        @SuppressWarnings("unchecked")
        List<Object> reported = (List<Object>) report.get("latencies");
        reported.forEach(l -> latencies.add(number(l)));
        Object hlsLatency = report.get("hlsLatency");
        if (hlsLatency != null) {
          hlsLatencies.add(number(hlsLatency));
        }
        alwaysLowLatency &= Boolean.TRUE.equals(report.get("lowLatencyMode"));
      }
      double currentTime = number(last.get("currentTime"));
      return new Result(latencies, hlsLatencies, alwaysLowLatency, currentTime,
          startTime < 0 ? 0 : currentTime - startTime, (long) number(last.get("stampedFrames")),
          (long) number(last.get("decodedFrames")), (long) number(last.get("droppedFrames")),
          (long) number(last.get("partLoads")), (long) number(last.get("fragLoads")), errors);
    }
  }

  static double percentile(List<Double> values, double percentile) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static double number(Object value) {
    return value == null ? Double.NaN : ((Number) value).doubleValue();
  }
}
