package space.share.player.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Real ffmpeg publishing over RTMP to the real media server, encoded as the room's publisher does
 * (x264 ultrafast/zerolatency, AAC). Input: raw frames written to stdin (stamped frames), an X display,
 * or anything ffmpeg reads. Bounded: closing destroys the process and waits for it.
 */
public final class RtmpPublisher implements AutoCloseable {
  private final Process process;
  private final Thread feeder;

  public RtmpPublisher(List<String> inputArgs, boolean audio, String rtmpUrl, Consumer<OutputStream> stdinWriter, Path logFile)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "warning"));
    cmd.addAll(inputArgs);
    cmd.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
        "-g", "30", "-keyint_min", "30", "-sc_threshold", "0", "-b:v", "3M", "-maxrate", "3M", "-bufsize", "1M"));
    if (audio) cmd.addAll(List.of("-c:a", "aac", "-b:a", "128k", "-ar", "48000"));
    else cmd.add("-an");
    cmd.addAll(List.of("-flush_packets", "1", "-f", "flv", rtmpUrl));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    if (stdinWriter == null) pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    process = pb.start();
    feeder = stdinWriter == null ? null : new Thread(() -> {
      try (OutputStream out = process.getOutputStream()) {
        stdinWriter.accept(out);
      } catch (IOException | RuntimeException ignored) {
        // ffmpeg went away: the test sees it through the page
      }
    }, "rtmp-ffmpeg-stdin");
    if (feeder != null) feeder.start();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    if (feeder != null) feeder.interrupt();
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    if (feeder != null) feeder.join(5000);
  }
}
