package space.share.player;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;

/**
 * Benchmark, not a check: prints capture-to-display delay for each MediaSource layout, muted and with
 * sound, measured two ways (stamped frames read from the video; the page's own prft figure). Run with
 * {@code mvn -B -q -pl player verify -Dit.test=DelayMeasureIT -Dplayer.measure=true}; docs/player.md
 * holds the figures.
 */
@EnabledIfSystemProperty(named = "player.measure", matches = "true")
class DelayMeasureIT extends PageTestBase {
  @Test
  void measure_eachMseLayout_printsDelays() throws Exception {
    publishStamped(true);
    List<String> lines = new ArrayList<>();
    lines.add("latencyHint in HTMLMediaElement: " + null);
    for (String mode : List.of("split", "muxed", "video")) {
      for (boolean sound : List.of(false, true)) {
        if (mode.equals("video") && sound) continue;
        extraQuery = "&mse=" + mode;
        join("Bench", "secret");
        wait(20).until(d -> pill().equals("live"));
        if (sound) chromium.driver.findElement(By.id("unmute-btn")).click();
        Thread.sleep(3000); // settle
        Measured m = measure(12_000);
        lines.add(String.format("%-6s %-6s %s", mode, sound ? "sound" : "muted", m.line()));
        chromium.driver.get("about:blank");
      }
    }
    lines.set(0, "latencyHint in HTMLMediaElement: " + chromium.js("return 'latencyHint' in HTMLMediaElement.prototype"));
    System.out.println("=== delay by MSE layout ===\n" + String.join("\n", lines));
  }
}
