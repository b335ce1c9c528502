package space.share.media.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A live source whose every frame carries its capture wall-clock time, for capture-to-display latency (the method
 * in shared/notes/measured-here.md). A writer thread renders 1280x720 gray frames at 30 fps in real time and pipes
 * them to ffmpeg (x264 ultrafast/zerolatency, GOP 30, 3 Mbit/s, optional AAC tone), which publishes over RTMP.
 *
 * <p>The optional audio (a 440 Hz tone) is written by a second thread into a FIFO, paced by the same clock as the
 * video. Both inputs are timestamped from their first sample, so audio and video are captured in step, as from a
 * real capture device. (A {@code -re} lavfi tone starts on its own clock, and ffmpeg's FLV interleaving then holds
 * every video frame back by the skew, about 0.4 s here: a source artifact, not server latency.)
 *
 * <p>The stamp: {@link #BITS} bits of epoch milliseconds, most significant first, as a row of black/white cells
 * across the top, and under it the same bits inverted; a reader decides each bit by comparing a cell with its twin,
 * so brightness and compression shifts do not matter. The rest of the frame is moving noise, so the encoder works
 * at a real bitrate. {@link #decode} reads it back from a gray frame; {@code stamp-reader.js} (test resources)
 * from a browser canvas.
 */
public final class StampedSource implements AutoCloseable {
  public static final int WIDTH = 1280;
  public static final int HEIGHT = 720;
  public static final int FPS = 30;
  public static final int BITS = 48;
  public static final int CELL_WIDTH = 26;
  public static final int CELL_HEIGHT = 24;
  public static final int LEFT = 16;
  public static final int TOP = 8;
  private static final int NOISE_FRAMES = 16;

  private static final int SAMPLE_RATE = 48_000;

  private final Process ffmpeg;
  private final Thread writer;
  private final Thread audioWriter;
  private final Path fifoDir;
  private final long startNanos = System.nanoTime();
  private volatile boolean running = true;
  private volatile long framesWritten;

  private final boolean noise;

  private StampedSource(Process ffmpeg, Path fifoDir, boolean noise) {
    this.ffmpeg = ffmpeg;
    this.noise = noise;
    this.fifoDir = fifoDir;
    this.writer = new Thread(this::writeFrames, "stamped-source");
    this.writer.setDaemon(true);
    this.audioWriter = fifoDir == null ? null : new Thread(this::writeAudio, "stamped-source-audio");
    if (audioWriter != null) {
      audioWriter.setDaemon(true);
    }
  }

  /**
   * Starts publishing to {@code rtmpUrl} until {@link #close()}.
   *
   * @param withAudio adds a 440 Hz AAC tone, captured in step with the video
   */
  public static StampedSource publish(String rtmpUrl, boolean withAudio) throws IOException {
    return publish(rtmpUrl, withAudio, /* noise= */ true);
  }

  /**
   * @param noise moving noise behind the stamp, so x264 really spends its 3 Mbit/s (benchmarks); without it a flat
   *     background with a moving square, cheap to encode and decode (functional tests on a shared machine)
   */
  public static StampedSource publish(String rtmpUrl, boolean withAudio, boolean noise) throws IOException {
    List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error",
        "-thread_queue_size", "64",
        "-f", "rawvideo", "-pix_fmt", "gray", "-s", WIDTH + "x" + HEIGHT, "-r", String.valueOf(FPS), "-i", "-"));
    Path fifoDir = null;
    if (withAudio) {
      fifoDir = Files.createTempDirectory("stamped-audio");
      Path fifo = fifoDir.resolve("audio.pcm");
      try {
        Ffmpeg.run(5_000, "mkfifo", fifo.toString());
      } catch (Exception e) {
        throw new IOException("mkfifo failed", e);
      }
      command.addAll(List.of("-thread_queue_size", "64", "-f", "s16le", "-ar", String.valueOf(SAMPLE_RATE),
          "-ac", "1", "-i", fifo.toString()));
    }
    command.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
        "-g", String.valueOf(FPS), "-keyint_min", String.valueOf(FPS), "-sc_threshold", "0",
        "-b:v", "3M", "-maxrate", "3M", "-bufsize", "1M"));
    if (withAudio) {
      command.addAll(List.of("-c:a", "aac", "-b:a", "128k"));
    }
    command.addAll(List.of("-f", "flv", rtmpUrl));
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    StampedSource source = new StampedSource(process, fifoDir, noise);
    source.writer.start();
    if (source.audioWriter != null) {
      source.audioWriter.start();
    }
    return source;
  }

  public long framesWritten() {
    return framesWritten;
  }

  public boolean isAlive() {
    return ffmpeg.isAlive();
  }

  private void writeFrames() {
    Random random = new Random(42);
    byte[][] backgrounds = new byte[noise ? NOISE_FRAMES : 1][WIDTH * HEIGHT];
    for (byte[] background : backgrounds) {
      if (noise) {
        random.nextBytes(background);
      } else {
        java.util.Arrays.fill(background, (byte) 64);
      }
    }
    byte[] frame = new byte[WIDTH * HEIGHT];
    try (OutputStream out = ffmpeg.getOutputStream()) {
      for (long index = 0; running; index++) {
        long dueNanos = startNanos + index * 1_000_000_000L / FPS;
        long sleepNanos = dueNanos - System.nanoTime();
        if (sleepNanos > 0) {
          TimeUnit.NANOSECONDS.sleep(sleepNanos);
        }
        System.arraycopy(backgrounds[(int) (index % backgrounds.length)], 0, frame, 0, frame.length);
        if (!noise) {
          int x = (int) (index * 8 % (WIDTH - 64));
          for (int y = 300; y < 364; y++) {
            java.util.Arrays.fill(frame, y * WIDTH + x, y * WIDTH + x + 64, (byte) 230);
          }
        }
        stamp(frame, WIDTH, System.currentTimeMillis());
        out.write(frame);
        out.flush();
        framesWritten = index + 1;
      }
    } catch (IOException | InterruptedException e) {
      // ffmpeg went away or we were stopped: nothing more to write.
    }
  }

  /** 1/30 s of a 440 Hz tone per write, on the video's schedule. */
  private void writeAudio() {
    int samplesPerChunk = SAMPLE_RATE / FPS;
    byte[] chunk = new byte[samplesPerChunk * 2];
    long sample = 0;
    try (OutputStream out = Files.newOutputStream(fifoDir.resolve("audio.pcm"))) {
      for (long index = 0; running; index++) {
        long sleepNanos = startNanos + index * 1_000_000_000L / FPS - System.nanoTime();
        if (sleepNanos > 0) {
          TimeUnit.NANOSECONDS.sleep(sleepNanos);
        }
        for (int i = 0; i < samplesPerChunk; i++, sample++) {
          short value = (short) (8000 * Math.sin(2 * Math.PI * 440 * sample / SAMPLE_RATE));
          chunk[2 * i] = (byte) value;
          chunk[2 * i + 1] = (byte) (value >> 8);
        }
        out.write(chunk);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // ffmpeg went away or we were stopped.
    }
  }

  /** Draws {@code epochMs} into the top strip of a gray frame {@code width} pixels wide. */
  public static void stamp(byte[] gray, int width, long epochMs) {
    // A flat mid-gray band behind the strip keeps noise from bleeding into the cells after compression.
    for (int y = 0; y < TOP * 2 + 2 * CELL_HEIGHT; y++) {
      java.util.Arrays.fill(gray, y * width, y * width + width, (byte) 128);
    }
    for (int bit = 0; bit < BITS; bit++) {
      boolean one = ((epochMs >>> (BITS - 1 - bit)) & 1) == 1;
      fillCell(gray, width, bit, 0, one ? 255 : 0);
      fillCell(gray, width, bit, 1, one ? 0 : 255);
    }
  }

  private static void fillCell(byte[] gray, int width, int bit, int row, int value) {
    int x0 = LEFT + bit * CELL_WIDTH;
    int y0 = TOP + row * CELL_HEIGHT;
    for (int y = y0; y < y0 + CELL_HEIGHT; y++) {
      java.util.Arrays.fill(gray, y * width + x0, y * width + x0 + CELL_WIDTH, (byte) value);
    }
  }

  /** Reads the stamp back from a gray frame (e.g. ffmpeg {@code -f rawvideo -pix_fmt gray}). */
  public static long decode(byte[] gray, int width) {
    long value = 0;
    for (int bit = 0; bit < BITS; bit++) {
      value = (value << 1) | (cellMean(gray, width, bit, 0) > cellMean(gray, width, bit, 1) ? 1 : 0);
    }
    return value;
  }

  private static int cellMean(byte[] gray, int width, int bit, int row) {
    int cx = LEFT + bit * CELL_WIDTH + CELL_WIDTH / 2;
    int cy = TOP + row * CELL_HEIGHT + CELL_HEIGHT / 2;
    int sum = 0;
    for (int y = cy - 4; y < cy + 4; y++) {
      for (int x = cx - 4; x < cx + 4; x++) {
        sum += gray[y * width + x] & 0xff;
      }
    }
    return sum / 64;
  }

  @Override
  public void close() {
    running = false;
    writer.interrupt();
    if (audioWriter != null) {
      audioWriter.interrupt();
    }
    try {
      writer.join(2_000);
      ffmpeg.getOutputStream().close();
      if (audioWriter != null) {
        audioWriter.join(2_000);
      }
      if (!ffmpeg.waitFor(5, TimeUnit.SECONDS)) {
        ffmpeg.destroy();
        if (!ffmpeg.waitFor(2, TimeUnit.SECONDS)) {
          ffmpeg.destroyForcibly();
        }
      }
    } catch (IOException | InterruptedException e) {
      ffmpeg.destroyForcibly();
    } finally {
      if (fifoDir != null) {
        fifoDir.resolve("audio.pcm").toFile().delete();
        fifoDir.toFile().delete();
      }
    }
  }
}
