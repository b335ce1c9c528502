package space.share.media.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real ffmpeg / ffprobe binaries for integration tests and benchmarks. */
public final class Ffmpeg {
  private Ffmpeg() {}

  /**
   * Starts ffmpeg publishing a generated test pattern and tone over RTMP.
   *
   * @param size e.g. {@code 640x360}
   * @param seconds how long to publish; the process ends by itself
   * @param extraVideoArgs e.g. bitrate settings
   */
  public static Process publishTestPattern(String rtmpUrl, String size, int fps, double seconds,
      List<String> extraVideoArgs) throws IOException {
    List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin",
        "-re", "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=" + fps,
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-t", String.valueOf(seconds),
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
        "-g", String.valueOf(fps), "-keyint_min", String.valueOf(fps), "-sc_threshold", "0"));
    command.addAll(extraVideoArgs);
    command.addAll(List.of("-c:a", "aac", "-b:a", "128k", "-f", "flv", rtmpUrl));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /**
   * Waits for a process to exit (bounded) and returns its exit code and output. The output is read while it runs, so a
   * chatty process never blocks on a full pipe.
   */
  public static Result await(Process process, long timeoutMs) throws Exception {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> {
      try (InputStream in = process.getInputStream()) {
        in.transferTo(output);
      } catch (IOException e) {
        // the process was destroyed
      }
    }, "output of pid " + process.pid());
    reader.setDaemon(true);
    reader.start();
    if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
      // What the process and this JVM's RTMP and server threads were doing: CI shows only the failure message.
      String threads = Diagnostics.serverThreads();
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      reader.join(5_000);
      throw new AssertionError("process did not finish within " + timeoutMs + " ms; its output: "
          + Diagnostics.oneLine(text(output), 3000) + "; threads: " + threads);
    }
    reader.join(10_000);
    return new Result(process.exitValue(), text(output));
  }

  private static String text(ByteArrayOutputStream output) {
    return output.toString(StandardCharsets.UTF_8); // synchronized: safe while the reader still writes
  }

  public record Result(int exitCode, String output) {}

  /** Runs a command to completion (bounded) and returns its output; fails the test if it exits non-zero. */
  public static String run(long timeoutMs, String... command) throws Exception {
    Result result = await(new ProcessBuilder(command).redirectErrorStream(true).start(), timeoutMs);
    if (result.exitCode() != 0) {
      throw new AssertionError(String.join(" ", command) + " exited " + result.exitCode() + ":\n" + result.output());
    }
    return result.output();
  }

  /** ffprobe's decoded-frame count and properties of the first stream of a kind ("v:0" or "a:0"). */
  public static String probeStream(Path file, String selector, String entries) throws Exception {
    return run(60_000, "ffprobe", "-v", "error", "-count_frames", "-select_streams", selector,
        "-show_entries", "stream=" + entries, "-of", "default=noprint_wrappers=1", file.toString()).trim();
  }
}
