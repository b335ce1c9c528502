package space.share.player.testsupport;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real ffmpeg (x264 ultrafast/zerolatency + AAC, one fragment per frame, one track per moof) publishing
 * into a {@link FeedHub}: splits ffmpeg's fMP4 output into the init segment and fragments, and puts a
 * prft in front of each fragment with the wall clock at which it came out of ffmpeg (plus a test-chosen
 * skew, to prove the page corrects for clock offset). One reader thread per publisher.
 */
public final class FfmpegPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FfmpegPublisher.class);

  private final Process process;
  private final Thread reader;
  private final Thread feeder;
  private final FeedHub hub;
  private final long skewMicros;
  private final int width;
  private final int height;
  private final double frameRate;
  private volatile boolean closing;
  public volatile int fragments;

  /**
   * @param inputArgs ffmpeg input arguments (e.g. {@code -f x11grab ... -i :99})
   * @param stdinWriter writes raw input to ffmpeg's stdin on its own thread, or null
   * @param skewMillis added to the prft wall clock (the "server clock" is off by this much)
   */
  public FfmpegPublisher(List<String> inputArgs, boolean audio, int width, int height, double frameRate, FeedHub hub,
      Consumer<OutputStream> stdinWriter, long skewMillis, Path logFile) throws IOException {
    this.hub = hub;
    this.skewMicros = skewMillis * 1000;
    this.width = width;
    this.height = height;
    this.frameRate = frameRate;
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "warning"));
    cmd.addAll(inputArgs);
    cmd.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
        "-profile:v", "high", "-g", String.valueOf((int) Math.round(frameRate)), "-b:v", "3M", "-maxrate", "3M", "-bufsize", "1M",
        "-s", width + "x" + height));
    if (audio) cmd.addAll(List.of("-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2"));
    else cmd.add("-an");
    cmd.addAll(List.of("-max_interleave_delta", "0", "-flush_packets", "1",
        "-movflags", "frag_every_frame+empty_moov+default_base_moof+separate_moof", "-f", "mp4", "pipe:1"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    if (stdinWriter == null) pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    process = pb.start();
    feeder = stdinWriter == null ? null : new Thread(() -> {
      try (OutputStream out = process.getOutputStream()) {
        stdinWriter.accept(out);
      } catch (IOException | RuntimeException e) {
        if (!closing) LOG.warn("ffmpeg stdin writer stopped: {}", e.toString());
      }
    }, "ffmpeg-stdin");
    if (feeder != null) feeder.start();
    reader = new Thread(this::readLoop, "ffmpeg-fmp4-reader");
    reader.start();
  }

  private static byte[] readBox(DataInputStream in) throws IOException {
    int size = in.readInt();
    if (size < 8 || size > 64 << 20) throw new IOException("box size " + size);
    byte[] b = new byte[size];
    ByteBuffer.wrap(b).putInt(size);
    in.readFully(b, 4, size - 4);
    return b;
  }

  private static String type(byte[] box) {
    return new String(box, 4, 4, StandardCharsets.ISO_8859_1);
  }

  private void readLoop() {
    try (DataInputStream in = new DataInputStream(process.getInputStream())) {
      byte[] ftyp = readBox(in);
      byte[] moov = readBox(in);
      if (!type(ftyp).equals("ftyp") || !type(moov).equals("moov")) throw new IOException("no ftyp+moov");
      byte[] init = new byte[ftyp.length + moov.length];
      System.arraycopy(ftyp, 0, init, 0, ftyp.length);
      System.arraycopy(moov, 0, init, ftyp.length, moov.length);
      hub.publishStart(header(init), init);
      while (!closing) {
        byte[] moof = readBox(in);
        if (type(moof).equals("mfra")) break;
        byte[] mdat = readBox(in);
        if (!type(moof).equals("moof") || !type(mdat).equals("mdat")) throw new IOException(type(moof) + "+" + type(mdat));
        Instant now = Instant.now();
        long wallMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000 + skewMicros;
        int tfhd = Boxes.path(moof, 8, moof.length, "traf", "tfhd");
        int tfdt = Boxes.path(moof, 8, moof.length, "traf", "tfdt");
        ByteBuffer m = ByteBuffer.wrap(moof);
        int trackId = m.getInt(tfhd + 12);
        long decodeTime = moof[tfdt + 8] == 1 ? m.getLong(tfdt + 12) : Integer.toUnsignedLong(m.getInt(tfdt + 12));
        byte[] prft = Boxes.prft(trackId, wallMicros, decodeTime);
        byte[] msg = new byte[prft.length + moof.length + mdat.length];
        System.arraycopy(prft, 0, msg, 0, prft.length);
        System.arraycopy(moof, 0, msg, prft.length, moof.length);
        System.arraycopy(mdat, 0, msg, prft.length + moof.length, mdat.length);
        hub.publishFragment(msg, trackId == 1 && containsIdr(mdat));
        fragments++;
      }
    } catch (EOFException e) {
      LOG.debug("ffmpeg output ended");
    } catch (IOException e) {
      if (!closing) LOG.warn("ffmpeg output unreadable: {}", e.toString());
    } finally {
      hub.publishEnd();
    }
  }

  /** H.264 in AVCC framing (4-byte lengths): an IDR slice (nal_unit_type 5) makes a keyframe. */
  private static boolean containsIdr(byte[] mdat) {
    int at = 8;
    while (at + 5 <= mdat.length) {
      int len = ByteBuffer.wrap(mdat).getInt(at);
      if (len <= 0) return false;
      if ((mdat[at + 4] & 0x1f) == 5) return true;
      at += 4 + len;
    }
    return false;
  }

  private String header(byte[] init) {
    int avcC = indexOf(init, "avcC".getBytes(StandardCharsets.ISO_8859_1));
    String video = avcC < 0 ? "avc1.64001f"
        : String.format("avc1.%02x%02x%02x", init[avcC + 5] & 0xff, init[avcC + 6] & 0xff, init[avcC + 7] & 0xff);
    boolean audio = indexOf(init, "mp4a".getBytes(StandardCharsets.ISO_8859_1)) >= 0;
    String codecs = audio ? video + ",mp4a.40.2" : video;
    return "{\"type\":\"header\",\"streamId\":\"room1\",\"mimeType\":\"video/mp4; codecs=\\\"" + codecs + "\\\"\",\"codecs\":\""
        + codecs + "\",\"width\":" + width + ",\"height\":" + height + ",\"frameRate\":" + frameRate
        + ",\"hasVideo\":true,\"hasAudio\":" + audio + "}";
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }

  @Override
  public void close() throws InterruptedException {
    closing = true;
    process.destroy();
    if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    reader.join(5000);
    if (feeder != null) {
      feeder.interrupt();
      feeder.join(5000);
    }
  }

  /** Reads the log file ffmpeg wrote to, for failure messages. */
  public static String tail(Path logFile) {
    try {
      String s = Files.readString(logFile);
      return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
    } catch (IOException e) {
      return "";
    }
  }
}
