package space.share.media.testing;

import java.io.IOException;
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

  /** Waits for a process to exit (bounded) and returns its exit code and output. */
  public static Result await(Process process, long timeoutMs) throws Exception {
    if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("process did not finish within " + timeoutMs + " ms");
    }
    String output;
    try {
      output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      output = "(output unavailable: " + e.getMessage() + ")"; // the process was destroyed
    }
    return new Result(process.exitValue(), output);
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
