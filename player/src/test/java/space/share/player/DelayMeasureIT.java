package space.share.player;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;

/**
 * Benchmark, not a check: prints capture-to-display delay through the real media server for MediaSource
 * layouts and live-edge settings, muted and with sound, measured two ways (stamped frames read from the
 * video; the page's own prft figure). Run with
 * {@code bench/player-delay.sh layouts};
 * docs/player.md holds the figures.
 */
@EnabledIfSystemProperty(named = "player.measure", matches = "true")
class DelayMeasureIT extends RealMediaBase {
  record Variant(String mode, boolean sound, String edge) {}

  @Test
  void measure_mseLayoutsAndLiveEdgeSettings_printsDelays() throws Exception {
    publish();
    String variants = System.getProperty("player.variants", "split/muted/,split/sound/,muxed/sound/,video/muted/,"
        + "split/sound/seekAboveLagSec:0.5;nudgeAboveLagSec:0.2;nudgeStopLagSec:0.1,"
        + "split/sound/seekAboveLagSec:0.5;nudgeAboveLagSec:0.2;nudgeStopLagSec:0.1;nudgeRate:1.08,"
        + "split/sound/seekAboveLagSec:1000;nudgeRate:1");
    List<String> lines = new ArrayList<>();
    for (String v : variants.split(",")) {
      String[] p = v.split("/", -1);
      extraQuery = "&mse=" + p[0] + (p[2].isEmpty() ? "" : "&edge=" + p[2].replace(';', ','));
      join("Bench", "secret");
      wait(25).until(d -> pill().equals("live"));
      if (p[1].equals("sound")) chromium.driver.findElement(By.id("unmute-btn")).click();
      Thread.sleep(4000); // settle: the GOP burst at start, the first seek
      Measured m = measure(12_000);
      lines.add(String.format("%-6s %-5s %-75s %s", p[0], p[1], p[2].isEmpty() ? "(defaults)" : p[2], m.line()));
      chromium.driver.get("about:blank");
    }
    System.out.println("=== delay by MSE layout and live-edge setting (real media server) ===\n" + String.join("\n", lines));
  }
}
