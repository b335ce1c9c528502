package space.share.player;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import space.share.player.testsupport.StampedFrames;

/**
 * When the WebSocket feed cannot be reached the page falls back to HLS through hls.js. The HLS here is
 * ffmpeg's own (0.5 s fMP4 segments with PROGRAM-DATE-TIME) served by the stand-in server, until the media
 * server's LL-HLS lands; the page is the same either way.
 */
class HlsFallbackIT extends PageTestBase {
  Process ffmpeg;
  Thread writer;
  Path dir;

  @Override
  long clockSkewMs() {
    return 0; // ffmpeg stamps PROGRAM-DATE-TIME with this machine's clock
  }

  @AfterEach
  void stopHls() throws Exception {
    if (writer != null) writer.interrupt();
    if (ffmpeg != null) {
      ffmpeg.destroy();
      if (!ffmpeg.waitFor(5, TimeUnit.SECONDS)) ffmpeg.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    if (writer != null) writer.join(5000);
    if (dir != null) {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void feedUnreachable_fallsBackToHlsAndPlays() throws Exception {
    dir = Files.createTempDirectory("hls-");
    ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "warning",
        "-f", "rawvideo", "-pix_fmt", "gray", "-s", "1280x720", "-r", "30", "-i", "pipe:0",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p", "-g", "15", "-b:v", "3M",
        "-c:a", "aac", "-b:a", "128k", "-f", "hls", "-hls_time", "0.5", "-hls_list_size", "8", "-hls_segment_type", "fmp4",
        "-hls_flags", "delete_segments+program_date_time+independent_segments", dir.resolve("index.m3u8").toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(ffmpegLog.toFile())).start();
    writer = new Thread(() -> {
      try (OutputStream out = ffmpeg.getOutputStream()) {
        StampedFrames.write(out, 30);
      } catch (IOException | RuntimeException ignored) {
        // ffmpeg stopped
      }
    }, "hls-frames");
    writer.start();
    servers.serveHls(dir);
    servers.overrideFeedUrl("ws://127.0.0.1:9/no-feed-here"); // discard port: refused
    join("Hana", "secret");
    wait(40).until(d -> pill().equals("live") && stats() != null && String.valueOf(stats().get("transport")).startsWith("ll-hls"));
    wait(30).until(d -> ((Number) chromium.js("return document.getElementById('video').currentTime")).doubleValue() > 2);
    Measured m = measureFrames(100, 40);
    chromium.js("document.getElementById('stats-btn').click()");
    screenshot("room-hls-fallback");
    System.out.println("HLS fallback (ffmpeg HLS, 0.5 s segments, hls.js lowLatencyMode): " + m.line());
    assertEquals("ll-hls (hls.js)", m.stats().get("transport"));
    List<Double> s = m.stamped();
    assertTrue(m.stampedP(50) < 10_000, "HLS delay " + m.stampedP(50) + " of " + s.size());
  }
}
