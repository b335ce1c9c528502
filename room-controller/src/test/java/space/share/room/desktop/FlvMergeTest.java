package space.share.room.desktop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * desktop/flv-merge.py, run with python3 between two named pipes, as encode.sh runs it: the first tags are held
 * until both tracks have started and then follow the stream's configuration tags; each video frame keeps its
 * capture spacing, placed at the arrival of the frame that waited least minus the video pipeline; each AAC frame is
 * stamped with its arrival minus the audio pipeline, in sample-exact steps; the audio's
 * onMetaData is dropped; afterwards tags pass in arrival order; bad input
 * and the hold's bound end it with one line and status 1; the end of either input ends it with status 0.
 */
class FlvMergeTest {
  private static final Path SCRIPT = Path.of("..", "desktop", "flv-merge.py").toAbsolutePath().normalize();
  private static final int AUDIO = 8;
  private static final int VIDEO = 9;
  private static final int SCRIPT_TAG = 18;
  private static final int PIPELINE_MS = 55;
  private static final int VIDEO_PIPELINE_MS = 8;

  @TempDir
  Path dir;
  private Process merge;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final StringBuffer err = new StringBuffer();
  private OutputStream video;
  private OutputStream audio;
  private final long originMs = System.currentTimeMillis();

  @BeforeEach
  void start() throws Exception {
    Path videoPipe = dir.resolve("video.flv");
    Path audioPipe = dir.resolve("audio.flv");
    assertEquals(0, new ProcessBuilder("mkfifo", videoPipe.toString(), audioPipe.toString()).start().waitFor());
    merge = new ProcessBuilder("python3", SCRIPT.toString(), videoPipe.toString(), audioPipe.toString(),
        String.format(java.util.Locale.ROOT, "%.3f", originMs / 1000.0), "48000", String.valueOf(PIPELINE_MS),
        String.valueOf(VIDEO_PIPELINE_MS)).start();
    drain(merge.getInputStream(), out::write);
    drain(merge.getErrorStream(), (b, off, len) -> err.append(new String(b, off, len, StandardCharsets.UTF_8)));
    video = Files.newOutputStream(videoPipe); // the script opens the video pipe first
    audio = Files.newOutputStream(audioPipe);
  }

  @AfterEach
  void stop() throws Exception {
    merge.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
  }

  @Test
  void holdsVideoUntilTheAudioStarts_thenConfigurationFirst() throws Exception {
    write(video, flvHeader());
    write(video, tag(SCRIPT_TAG, 0, "onMetaData-video"));
    write(video, tag(VIDEO, 0, 0x17, 0x00)); // AVC sequence header
    long videoSentMs = System.currentTimeMillis() - originMs;
    write(video, tag(VIDEO, 5000, 0x17, 0x01)); // keyframe (x11grab's stamps run ahead of the frames)
    write(video, tag(VIDEO, 5033, 0x27, 0x01));
    waitFor(() -> err.toString().contains("holding the first tags until both tracks have started"), "the hold");
    write(audio, flvHeader());
    write(audio, tag(SCRIPT_TAG, 0, "onMetaData-audio"));
    write(audio, tag(AUDIO, 0, 0xAF, 0x00)); // AAC sequence header
    waitFor(() -> tags().size() == 5, "the released tags");
    long sentMs = System.currentTimeMillis() - originMs;
    write(audio, tag(AUDIO, 21, 0xAF, 0x01));
    waitFor(() -> tags().size() == 6, "the audio frame");
    write(video, tag(VIDEO, 5066, 0x27, 0x01));
    waitFor(() -> tags().size() == 7, "the live tags");

    assertArrayEquals(flvHeaderBothTracks(), Arrays.copyOf(out.toByteArray(), 13));
    List<String> tags = tags();
    assertEquals(List.of(
        "18@0 onMetaData-video",
        "9@0 config", // the video's sequence header
        "8@0 config"), tags.subList(0, 3)); // then the audio's
    // the held frames, stamped from their arrival minus the video's pipeline (the keyframe came first: on time)
    List<Long> held = List.of(stamp(tags.get(3)), stamp(tags.get(4)));
    assertTrue(tags.get(3).startsWith("9@") && tags.get(4).startsWith("9@") && held.get(1) > held.get(0), tags.toString());
    assertTrue(Math.abs(held.get(0) - (videoSentMs - VIDEO_PIPELINE_MS)) < 100, "stamped " + held + " for sent " + videoSentMs);
    assertTrue(tags.get(6).startsWith("9@") && stamp(tags.get(6)) > held.get(1), tags.toString()); // then in arrival order, the audio's onMetaData dropped
    // the audio frame is stamped with its arrival on the origin's clock minus the pipeline, not its own 21
    assertTrue(tags.get(5).startsWith("8@") && tags.get(5).endsWith(" frame"), tags.toString());
    long stamped = stamp(tags.get(5));
    assertTrue(Math.abs(stamped - (sentMs - PIPELINE_MS)) < 100, "stamped " + stamped + " for sent " + sentMs);
    assertTrue(err.toString().contains("releasing 5 held tags"), err.toString());
  }

  @Test
  void audioFirst_isHeldToo_untilTheVideoStarts() throws Exception {
    write(audio, flvHeader());
    write(audio, tag(AUDIO, 0, 0xAF, 0x00));
    write(audio, tag(AUDIO, 21, 0xAF, 0x01));
    waitFor(() -> err.toString().contains("holding the first tags until both tracks have started"), "the hold");
    write(video, flvHeader());
    write(video, tag(SCRIPT_TAG, 0, "onMetaData-video"));
    write(video, tag(VIDEO, 0, 0x17, 0x00));
    waitFor(() -> tags().size() == 4, "the released tags");
    write(video, tag(VIDEO, 0, 0x17, 0x01));
    waitFor(() -> tags().size() == 5, "the keyframe");

    // an audio sample ahead of the video's configuration would start an audio-only init segment
    List<String> tags = tags();
    assertEquals(List.of("18@0 onMetaData-video", "9@0 config", "8@0 config"), tags.subList(0, 3));
    assertTrue(tags.get(3).startsWith("8@") && tags.get(3).endsWith(" frame"), tags.toString());
    assertTrue(tags.get(4).startsWith("9@") && tags.get(4).endsWith(" frame"), tags.toString());
  }

  @Test
  void videoStamps_keepTheCaptureSpacing_atTheArrivalOfTheFrameThatWaitedLeast() throws Exception {
    bothConfigurations();
    // a frame stamped before its arrival minus the pipeline waited somewhere: never made later than its own stamp
    waitFor(() -> System.currentTimeMillis() - originMs >= 300, "300 ms after the origin");
    write(video, tag(VIDEO, 0, 0x17, 0x01));
    waitFor(() -> tags().size() == 3, "the frame that waited");
    assertEquals("9@0 frame", tags().get(2));
    // x11grab's stamps run ~40 ms ahead of the frames; this one waited for nothing
    int own = 5_000;
    long firstSentMs = System.currentTimeMillis() - originMs;
    write(video, tag(VIDEO, own, 0x17, 0x01));
    waitFor(() -> tags().size() == 4, "the first frame on time");
    long first = stamp(tags().get(3));
    assertTrue(Math.abs(first - (firstSentMs - VIDEO_PIPELINE_MS)) < 100, "stamped " + first + " for sent " + firstSentMs);
    // a frame captured 400 ms after the first that reaches the merge 300 ms late (a stall): its capture spacing
    // counts, not its arrival; waiting on the clock, not sleeping, for it to be that late
    waitFor(() -> System.currentTimeMillis() - originMs >= firstSentMs + 700, "700 ms after the first frame");
    write(video, tag(VIDEO, own + 400, 0x27, 0x01));
    waitFor(() -> tags().size() == 5, "the late frame");
    assertEquals(first + 400, stamp(tags().get(4)), tags().toString());
  }

  @Test
  void audioStamps_fromArrivalMinusThePipeline_andRise() throws Exception {
    bothConfigurations();
    long firstSentMs = System.currentTimeMillis() - originMs;
    write(audio, tag(AUDIO, 7, 0xAF, 0x01));
    waitFor(() -> tags().size() == 3, "the first frame");
    ByteArrayOutputStream burst = new ByteArrayOutputStream();
    for (int i = 0; i < 12; i++) {
      burst.write(tag(AUDIO, 7, 0xAF, 0x01)); // arrive together, whatever their own stamps say
    }
    write(audio, burst.toByteArray());
    waitFor(() -> tags().size() == 15, "the burst");

    List<Long> stamps = tags().subList(2, 15).stream().map(FlvMergeTest::stamp).toList();
    assertTrue(Math.abs(stamps.get(0) - (firstSentMs - PIPELINE_MS)) < 100, "first " + stamps + " sent at " + firstSentMs);
    for (int i = 1; i < stamps.size(); i++) {
      assertTrue(stamps.get(i) > stamps.get(i - 1), "each track's stamps rise: " + stamps);
    }
  }

  @Test
  void endOfEitherInput_endsTheMerge() throws Exception {
    write(video, flvHeader());
    write(audio, flvHeader());
    write(audio, tag(AUDIO, 0, 0xAF, 0x00));
    audio.close();
    assertTrue(merge.waitFor(10, TimeUnit.SECONDS));
    assertEquals(0, merge.exitValue());
    assertTrue(err.toString().contains("audio input ended"), err.toString());
  }

  @Test
  void notFlv_failsWithOneLine() throws Exception {
    write(video, "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertTrue(merge.waitFor(10, TimeUnit.SECONDS));
    assertEquals(1, merge.exitValue());
    assertEquals("[desktop/flv-merge] video: not an FLV stream", err.toString().strip());
  }

  @Test
  void videoWithoutAudio_isHeldUpToItsBoundOnly() throws Exception {
    write(video, flvHeader());
    byte[] frame = tag(VIDEO, 0, new byte[4 << 20]);
    frame[11] = 0x17;
    frame[12] = 0x01;
    // 64 MiB is the bound: the 17th 4 MiB frame passes it
    for (int i = 0; i < 17 && merge.isAlive(); i++) {
      write(video, frame);
    }
    assertTrue(merge.waitFor(10, TimeUnit.SECONDS));
    assertEquals(1, merge.exitValue());
    assertTrue(err.toString().contains("only the video after"), err.toString());
    assertEquals(13, out.size(), "nothing but the FLV header was written");
  }

  /** Both encoders' headers and sequence headers: the merge is live from here. */
  private void bothConfigurations() throws Exception {
    write(video, flvHeader());
    write(video, tag(VIDEO, 0, 0x17, 0x00));
    write(audio, flvHeader());
    write(audio, tag(AUDIO, 0, 0xAF, 0x00));
    waitFor(() -> tags().size() == 2, "both configurations");
  }

  private static long stamp(String tag) {
    return Long.parseLong(tag.substring(tag.indexOf('@') + 1, tag.indexOf(' ')));
  }

  private List<String> tags() {
    byte[] b = out.toByteArray();
    List<String> tags = new ArrayList<>();
    int at = 13;
    while (at + 11 <= b.length) {
      int size = ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
      if (at + 11 + size + 4 > b.length) break;
      int ts = ((b[at + 4] & 0xFF) << 16) | ((b[at + 5] & 0xFF) << 8) | (b[at + 6] & 0xFF) | ((b[at + 7] & 0xFF) << 24);
      int type = b[at] & 0x1F;
      String what = type == SCRIPT_TAG ? new String(b, at + 11, size, StandardCharsets.US_ASCII)
          : b[at + 12] == 0 ? "config" : "frame";
      tags.add(type + "@" + ts + " " + what);
      at += 11 + size + 4;
    }
    return tags;
  }

  private static byte[] flvHeader() {
    return new byte[] {'F', 'L', 'V', 1, 0x01, 0, 0, 0, 9, 0, 0, 0, 0};
  }

  private static byte[] flvHeaderBothTracks() {
    return new byte[] {'F', 'L', 'V', 1, 0x05, 0, 0, 0, 9, 0, 0, 0, 0};
  }

  private static byte[] tag(int type, int ts, String body) {
    return tag(type, ts, body.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] tag(int type, int ts, int first, int second) {
    return tag(type, ts, new byte[] {(byte) first, (byte) second, 0, 0, 0});
  }

  private static byte[] tag(int type, int ts, byte[] body) {
    byte[] t = new byte[11 + body.length + 4];
    t[0] = (byte) type;
    t[1] = (byte) (body.length >> 16);
    t[2] = (byte) (body.length >> 8);
    t[3] = (byte) body.length;
    t[4] = (byte) (ts >> 16);
    t[5] = (byte) (ts >> 8);
    t[6] = (byte) ts;
    t[7] = (byte) (ts >>> 24);
    System.arraycopy(body, 0, t, 11, body.length);
    int prev = 11 + body.length;
    t[t.length - 4] = (byte) (prev >> 24);
    t[t.length - 3] = (byte) (prev >> 16);
    t[t.length - 2] = (byte) (prev >> 8);
    t[t.length - 1] = (byte) prev;
    return t;
  }

  private static void write(OutputStream to, byte[] bytes) throws IOException {
    try {
      to.write(bytes);
      to.flush();
    } catch (IOException e) {
      if (!e.getMessage().contains("Broken pipe")) throw e; // the script already ended: its status tells why
    }
  }

  private interface Sink {
    void write(byte[] b, int off, int len);
  }

  private static void drain(InputStream in, Sink sink) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[1 << 16];
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          sink.write(buf, 0, n); // ByteArrayOutputStream and StringBuffer are synchronized
        }
      } catch (IOException ignored) {
        // the process ended
      }
    });
    t.setDaemon(true);
    t.start();
  }

  private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    ProcessDesktopManagerTest.waitFor(condition, 10_000, what);
  }
}
