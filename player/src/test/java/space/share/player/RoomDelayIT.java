package space.share.player;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;
import space.share.player.testsupport.XDesktop;

/**
 * Benchmark, not a check: capture-to-display delay of a real room desktop. A Chromium on Xvfb draws the wall
 * clock as a barcode every animation frame; the room's own desktop/encode.sh (x11grab + PulseAudio, x264 4:4:4,
 * AAC) publishes it to the real media server; the room page in headless Chromium plays it muted (video only)
 * and with sound, through WebCodecs and through MediaSource, and reads the barcode of every displayed frame. Run with
 * {@code bench/player-delay.sh room};
 * docs/player.md holds the figures.
 */
@EnabledIfSystemProperty(named = "player.measure", matches = "true")
class RoomDelayIT extends RealMediaBase {
  @Test
  void measure_roomDesktopMutedAndWithSound_printsDelays() throws Exception {
    Path log = Files.createTempFile("room-delay-desktop-", ".log");
    Path page = Files.createTempFile("stamp-desktop-", ".html");
    try (var in = getClass().getResourceAsStream("/stamp-desktop.html")) {
      Files.write(page, in.readAllBytes());
    }
    List<String> lines = new ArrayList<>();
    try (XDesktop desktop = new XDesktop(log, Path.of("..", "desktop").toAbsolutePath().normalize())) {
      desktop.startBrowser(page);
      // player.encoders: encode.sh settings to compare, ';' between settings, each a list of VAR=value
      // (e.g. "DESKTOP_SPLIT_AV=off;default"); "default" = encode.sh as a room runs it
      for (String setting : System.getProperty("player.encoders", "default").split(";")) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String pair : setting.trim().split("[ ,]+")) {
          if (pair.contains("=")) env.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        Process encoder = desktop.startEncoder(rtmpUrl("room1"), env);
        int rounds = Integer.getInteger("player.rounds", 2);
        // player.queries: room page settings to compare with sound, ';' between them (e.g. ";audiolatency=0");
        // "" = as shipped. Muted is measured once, with the first.
        List<String> queries = List.of(System.getProperty("player.queries", "").split(";", -1));
        List<Map.Entry<String, Boolean>> cases = new ArrayList<>(List.of(Map.entry(queries.get(0), false)));
        for (String q : queries) cases.add(Map.entry(q, true));
        for (int round = 1; round <= rounds; round++) {
          for (String decoder : System.getProperty("player.decoders", "webcodecs,mse").split(",")) {
            for (Map.Entry<String, Boolean> c : cases) {
              String query = c.getKey();
              boolean sound = c.getValue();
              extraQuery = "&decoder=" + decoder + (query.isBlank() ? "" : "&" + query.trim());
              join("Bench", "secret");
              wait(30).until(d -> pill().equals("live"));
              if (sound) {
                chromium.driver.findElement(By.id("unmute-btn")).click();
                if (decoder.equals("mse")) wait(20).until(d -> "split".equals(stats().get("mode")) && pill().equals("live"));
                else wait(20).until(d -> Boolean.TRUE.equals(stats().get("audioPlaying")));
              }
              settle(120, 40); // past the start: the GOP burst, the first seek (about 4 s of frames)
              Measured m = measureFrames(360, 60); // about 12 s at 30 fps
              lines.add(String.format("%-22s round %d %-9s %-16s %-11s %s%s", setting.trim(), round, decoder, query.isBlank() ? "-" : query.trim(),
                  sound ? "with sound" : "muted", m.line(), DelayMeasureIT.webCodecsLine(m)));
              chromium.driver.get("about:blank");
            }
          }
        }
        desktop.stop(encoder);
      }
    } finally {
      System.out.println("--- desktop log (encoder warnings):\n" + Files.readString(log).lines()
          .filter(l -> l.contains("encode") || l.contains("queue") || l.contains("[")).limit(40).reduce("", (a, b) -> a + b + "\n"));
      Files.deleteIfExists(log);
      Files.deleteIfExists(page);
    }
    System.out.println("=== room desktop capture -> display (encode.sh, real media server, room page, load " + DelayMeasureIT.loadAverage() + ") ===\n" + String.join("\n", lines));
  }
}
