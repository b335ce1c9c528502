package space.share.player;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;

/**
 * Benchmark, not a check: prints capture-to-display delay through the real media server for the decoders
 * (WebCodecs, MediaSource layouts) and live-edge settings, muted and with sound, measured two ways (stamped
 * frames read from the video; the page's own prft figure), all in one run against one publisher; then join ->
 * first picture per decoder. Run with {@code bench/player-delay.sh layouts}; docs/player.md holds the figures.
 * Variants: {@code -Dplayer.variants=mode/sound/edge,...}, mode {@code webcodecs} or an MSE layout
 * ({@code video|split|muxed}), sound {@code muted|sound}, then the MSE live-edge tuning or, for WebCodecs, more
 * query ({@code audio=main;hw=no-preference;feedworker=0}; may be empty). {@code -Dplayer.joinDecoders=webcodecs,webcodecs&early=0}
 * picks the join part's variants.
 */
@EnabledIfSystemProperty(named = "player.measure", matches = "true")
class DelayMeasureIT extends RealMediaBase {
  static final String DEFAULT_VARIANTS = "webcodecs/muted/,video/muted/,webcodecs/sound/,split/sound/";

  @Test
  void measure_decodersAndLayouts_printsDelays() throws Exception {
    publish();
    String variants = System.getProperty("player.variants", DEFAULT_VARIANTS);
    int rounds = Integer.getInteger("player.rounds", 1);
    List<String> lines = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      for (String v : variants.split(",")) {
        if (v.isBlank()) continue;
        String[] p = v.split("/", -1);
        boolean webCodecs = p[0].equals("webcodecs");
        // the third part: for WebCodecs more query (audio=main;hw=no-preference), for MSE the live-edge tuning
        extraQuery = webCodecs
            ? "&decoder=webcodecs" + (p[2].isEmpty() ? "" : "&" + p[2].replace(';', '&'))
            : "&decoder=mse&mse=" + p[0] + (p[2].isEmpty() ? "" : "&edge=" + p[2].replace(';', ','));
        join("Bench", "secret");
        wait(25).until(d -> pill().equals("live"));
        if (p[1].equals("sound")) {
          chromium.driver.findElement(By.id("unmute-btn")).click();
          if (webCodecs) wait(20).until(d -> Boolean.TRUE.equals(stats().get("audioPlaying")));
        }
        settle(120, 40); // past the start: the GOP burst, the first seek (about 4 s of frames)
        Measured m = measureFrames(360, 60); // about 12 s at 30 fps
        lines.add(String.format("round %d %-9s %-5s %-20s %s%s", round, p[0], p[1], p[2].isEmpty() ? "(defaults)" : p[2], m.line(), webCodecsLine(m)));
        chromium.driver.get("about:blank");
      }
    }
    System.out.println("=== delay by decoder / MSE layout (real media server, one publisher, load " + loadAverage() + ") ===\n" + String.join("\n", lines));
    System.out.println("=== join -> first picture (page start to first frame shown; passcode already entered; warm server) ===\n"
        + String.join("\n", java.util.Arrays.stream(System.getProperty("player.joinDecoders", "webcodecs,mse").split(",")).map(d -> {
          try {
            return joinTime(d);
          } catch (Exception e) {
            return d + ": " + e;
          }
        }).toList()));
  }

  static String webCodecsLine(Measured m) {
    if (!"webcodecs".equals(m.stats().get("decoder"))) return "";
    return String.format(" | decode p50 %s p95 %s ms, jumps %s | a/v (+: picture behind) p50 %s p95 %s ms | audio fill %s ms (target %s), underruns %s (%s after warm-up), output latency %s ms (device: %s ms, %s underruns), stale %s, resets %s, audio arrives %s ms after its video",
        num(m.stats().get("decodeP50Ms")), num(m.stats().get("decodeP95Ms")), m.stats().get("seeks"),
        num(m.stats().get("avSyncP50Ms")), num(m.stats().get("avSyncP95Ms")), num(m.stats().get("audioFillMs")), num(m.stats().get("audioTargetMs")),
        m.stats().get("audioUnderruns"), m.stats().get("audioLateUnderruns"), num(m.stats().get("audioOutputLatencyMs")),
        num(m.stats().get("audioDeviceLatencyMs")), num(m.stats().get("audioDeviceUnderruns")), m.stats().get("audioStale"), m.stats().get("audioResets"),
        num(m.stats().get("audioLateP50Ms")))
        + (m.stats().get("audioPath") == null ? "" : String.format(
            " | feed socket %s, audio decoded on %s; arrival spread p95/max ms: server %s/%s, socket %s, page %s/%s, worklet %s/%s; video p95 server %s, page %s; main-thread 20 ms timer gap p95 %s max %s ms",
            m.stats().get("feedSocket"), m.stats().get("audioPath"), num(m.stats().get("audioSpreadServerP95Ms")), num(m.stats().get("audioSpreadServerMaxMs")), num(m.stats().get("audioSpreadSocketP95Ms")),
            num(m.stats().get("audioSpreadPageP95Ms")), num(m.stats().get("audioSpreadPageMaxMs")),
            num(m.stats().get("audioSpreadWorkletP95Ms")), num(m.stats().get("audioSpreadWorkletMaxMs")),
            num(m.stats().get("videoSpreadServerP95Ms")), num(m.stats().get("videoSpreadPageP95Ms")),
            num(m.stats().get("mainGapP95Ms")), num(m.stats().get("mainGapMaxMs"))));
  }

  static String num(Object o) {
    return o instanceof Number n ? String.format("%.0f", n.doubleValue()) : "-";
  }

  /**
   * Reloads the room page of a member already joined (session kept) and reads when its first frame showed.
   * decoder: the {@code decoder=} value, optionally with more query ({@code webcodecs&hw=prefer-software}).
   */
  String joinTime(String decoder) throws Exception {
    extraQuery = "&decoder=" + decoder;
    join("Bench", "secret");
    wait(25).until(d -> pill().equals("live"));
    List<Double> ms = new ArrayList<>();
    List<String> marks = new ArrayList<>();
    for (int i = 0; i < Integer.getInteger("player.joins", 7); i++) {
      chromium.driver.navigate().refresh();
      wait(20).until(d -> stats() != null && stats().get("firstFrameMs") instanceof Number);
      Thread.sleep(300); // the marks after the first picture
      ms.add(((Number) stats().get("firstFrameMs")).doubleValue());
      marks.add(String.format("%.0f: page %s player %s", ms.get(ms.size() - 1), stats().get("pageMarks"), stats().get("joinMarks")));
    }
    chromium.driver.get("about:blank");
    return String.format("%-9s first picture p50 %.0f ms, max %.0f ms (%d reloads)%n  %s", decoder, percentile(ms, 50), percentile(ms, 100), ms.size(),
        String.join("\n  ", marks));
  }

  static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "?";
    }
  }
}
