package space.share.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static space.share.media.testing.LocalUrls.feed;
import static space.share.media.testing.LocalUrls.rtmp;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import space.share.media.access.AccessPolicy.StaticStream;
import space.share.media.testing.FeedClient;
import space.share.media.testing.Ffmpeg;
import space.share.media.testing.LogLines;

/**
 * Publishers whose media is odd but playable, with the real ffmpeg against the real server: ffmpeg's tee muxer
 * (an empty AVC sequence header, then Annex B frames with in-band SPS/PPS) and timestamps that jump forward and
 * fall back (ffmpeg's FLV muxer writes 31-bit timestamps, so its clock falls from 2^31 - 1 to 0).
 */
class PublisherQuirksIT {
  private static MediaServer server;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    Map<String, StaticStream> streams = new HashMap<>();
    for (String id : List.of("teea", "teeb", "jumps", "rate0", "bystander")) {
      streams.put(id, new StaticStream(id, id + "-key", /* open= */ true));
    }
    server = MediaServer.start(new MediaConfig("127.0.0.1", 0, 0, "it-secret", streams, 4 * 1024 * 1024, 200));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void teeMuxerPublishingToTwoKeys_bothStreamsGoLiveAndDecode() throws Exception {
    try (FeedClient a = FeedClient.connect(feed(server, "teea")); FeedClient b = FeedClient.connect(feed(server, "teeb"))) {
      // verbose: on a hang, its output names the RTMP step that waits (connect, createStream, publish).
      Process tee = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "verbose", "-nostdin", "-re",
          "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-f", "lavfi", "-i", "sine=sample_rate=48000",
          "-t", "3", "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
          "-g", "30", "-pix_fmt", "yuv420p", "-c:a", "aac",
          "-f", "tee", "[f=flv]" + rtmp(server, "teea-key") + "|[f=flv]" + rtmp(server, "teeb-key"))
          .redirectErrorStream(true).start();
      Ffmpeg.Result result = Ffmpeg.await(tee, 60_000);
      assertEquals(0, result.exitCode(), result.output());
      for (String id : List.of("teea", "teeb")) {
        FeedClient viewer = id.equals("teea") ? a : b;
        viewer.await(m -> m.isType("ended"), 10_000);
        List<JsonNode> headers = viewer.messages().stream().filter(m -> m.isType("header")).map(m -> m.json())
            .toList();
        assertEquals(1, headers.size(), id + ": " + headers);
        assertEquals(320, headers.get(0).get("width").asInt());
        assertTrue(headers.get(0).get("codecs").asText().matches("avc1\\.[0-9a-f]{6},mp4a\\.40\\.2"),
            headers.toString());
        Path mp4 = viewer.writeGeneration(1, dir.resolve(id + ".mp4"));
        assertEquals("", Ffmpeg.run(60_000, "ffmpeg", "-v", "error", "-i", mp4.toString(), "-f", "null", "-").trim());
        String video = Ffmpeg.probeStream(mp4, "v:0", "codec_name,width,height,nb_read_frames");
        int frames = Integer.parseInt(video.replaceAll("(?s).*nb_read_frames=(\\d+).*", "$1"));
        // 3 s at 30 fps; Red5 may drop the last packets at unpublish (more of them on a loaded machine).
        assertTrue(video.contains("width=320") && frames >= 75, id + ": " + video);
        String audio = Ffmpeg.probeStream(mp4, "a:0", "codec_name,nb_read_frames");
        assertTrue(audio.contains("codec_name=aac"), audio);
      }
    }
  }

  /**
   * An FLV written by ffmpeg whose tags are retimed: {@code jumpMs} forward after 1.5 s (more than the unwrapper
   * takes at face value), and offset so that the clock passes 2^31 ms at media time 3 s, where ffmpeg's FLV muxer
   * wraps it to 0 on the wire. (ffmpeg's CLI refuses to send decreasing timestamps otherwise: it clamps them.)
   * Pushed with -re, which waits out the jump: Red5 drops packets from a burst, and what it has queued when a
   * publisher disconnects.
   */
  @Test
  void publisherClockJumpingForwardAndFallingBack_keepsOneGenerationWithMonotonicTfdt() throws Exception {
    Path plain = dir.resolve("plain.flv");
    Ffmpeg.run(60_000, "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "lavfi", "-i",
        "testsrc2=size=320x240:rate=30", "-f", "lavfi", "-i", "sine=sample_rate=48000", "-t", "4",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p", "-c:a", "aac",
        "-f", "flv", plain.toString());
    Path jumped = dir.resolve("jumped.flv");
    long jumpMs = 6_000;
    Files.write(jumped, retimeFlvTags(Files.readAllBytes(plain), 1_500, jumpMs));
    // Media time 3 s sits at 2^31 ms on the wire.
    long offsetMs = (1L << 31) - jumpMs - 3_000;
    try (FeedClient viewer = FeedClient.connect(feed(server, "jumps"))) {
      Process pusher = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-i",
          jumped.toString(), "-c", "copy", "-output_ts_offset", (offsetMs / 1000.0) + "", "-f", "flv",
          rtmp(server, "jumps-key")).redirectErrorStream(true).start();
      Ffmpeg.Result push = Ffmpeg.await(pusher, 60_000);
      assertEquals(0, push.exitCode(), push.output());
      viewer.await(m -> m.isType("ended"), 10_000);

      assertEquals(1, viewer.messages().stream().filter(m -> m.isType("header")).count());
      Map<Integer, List<Long>> tfdtByTrack = tfdtByTrack(viewer);
      List<Long> video = tfdtByTrack.get(1);
      List<Long> audio = tfdtByTrack.get(2);
      // Red5 drops what it has queued at unpublish, more of it on a loaded machine: the counts are loose.
      assertTrue(video.size() >= 90 && audio.size() >= 140, video.size() + " video, " + audio.size() + " audio");
      for (List<Long> track : List.of(video, audio)) {
        for (int i = 1; i < track.size(); i++) {
          assertTrue(track.get(i) > track.get(i - 1), "tfdt " + track.get(i) + " after " + track.get(i - 1));
        }
      }
      // Four seconds of media span at most four seconds of timeline (neither the 6 s jump nor 2^31 ms shows up), and
      // more than three: the timeline went on past the wrap at media time 3 s.
      double videoSpanS = span(video) / 90_000.0;
      assertTrue(videoSpanS > 3.1 && videoSpanS < 4.1, "video spans " + videoSpanS + " s");
      double audioSpanS = span(audio) / 48_000.0;
      assertTrue(audioSpanS > 3.1 && audioSpanS < 4.1, "audio spans " + audioSpanS + " s");

      Path mp4 = viewer.writeGeneration(1, dir.resolve("jumps.mp4"));
      // Every frame decodes (ffprobe reports no error). Not ffmpeg -f null: where the tracks re-sync at a jump, one
      // video step is shorter than a frame interval, and its constant-rate muxer refuses two frames in one slot.
      for (String selector : List.of("v:0", "a:0")) {
        String decoded = Ffmpeg.probeStream(mp4, selector, "nb_read_frames");
        assertTrue(decoded.matches("nb_read_frames=\\d+"), decoded);
      }
      String probed = Ffmpeg.probeStream(mp4, "v:0", "nb_read_frames");
      int frames = Integer.parseInt(probed.replaceAll("(?s).*nb_read_frames=(\\d+).*", "$1"));
      assertTrue(frames >= 90, probed);
    }
  }

  /**
   * Each track's tfdt values (track 1 video, 2 audio), in arrival order, from every moof after the init segment (a
   * binary message may batch several fragments).
   */
  private static Map<Integer, List<Long>> tfdtByTrack(FeedClient viewer) {
    Map<Integer, List<Long>> tfdts = new HashMap<>();
    for (byte[] moof : viewer.moofs()) {
      tfdts.computeIfAbsent(trackId(moof), k -> new ArrayList<>()).add(tfdt(moof));
    }
    return tfdts;
  }

  private static long span(List<Long> values) {
    return values.isEmpty() ? 0 : values.get(values.size() - 1) - values.get(0);
  }

  /**
   * A publisher whose AudioSpecificConfig says samplingFrequencyIndex 0xF with an explicit rate of 0 Hz (ISO/IEC
   * 14496-3 1.6.2.1; ffmpeg -c copy forwards it) is refused with one line naming the stream, the peer and the
   * reason, while another stream publishing at the same time plays on.
   */
  @Test
  void publisherWithZeroHzAacConfig_isRefusedWithOneLineAndOtherStreamsPlayOn() throws Exception {
    Path plain = dir.resolve("plain.flv");
    Ffmpeg.run(60_000, "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "lavfi", "-i",
        "testsrc2=size=320x240:rate=30", "-f", "lavfi", "-i", "sine=sample_rate=48000", "-t", "3",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p", "-c:a", "aac",
        "-f", "flv", plain.toString());
    Path rate0 = dir.resolve("rate0.flv");
    // AAC LC (00010), samplingFrequencyIndex 0xF (1111), samplingFrequency 0 (24 bits), channelConfiguration 2.
    Files.write(rate0, replaceAacSequenceHeader(Files.readAllBytes(plain), new byte[] {0x17, (byte) 0x80, 0, 0, 0x10}));
    try (LogLines lines = LogLines.of("space.share.media.ingest.rtmp.IngestListener");
        FeedClient bystander = FeedClient.connect(feed(server, "bystander"))) {
      Process good = Ffmpeg.publishTestPattern(rtmp(server, "bystander-key"), "320x240", 30, 3, List.of());
      Ffmpeg.Result bad = Ffmpeg.await(new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin",
          "-re", "-i", rate0.toString(), "-c", "copy", "-f", "flv", rtmp(server, "rate0-key")).redirectErrorStream(true)
          .start(), 60_000);
      assertEquals(0, Ffmpeg.await(good, 60_000).exitCode());
      bystander.await(m -> m.isType("ended"), 10_000);

      List<String> refusals = lines.matching(m -> m.contains("rate0"));
      assertEquals(1, refusals.size(), refusals + "; ffmpeg: " + bad.output());
      assertTrue(refusals.get(0).matches("stream rate0: refusing publisher 127\\.0\\.0\\.1:\\d+: malformed: AAC"
          + " samplingFrequency 0 Hz.*1\\.6\\.2\\.1.*"), refusals.get(0));
      assertTrue(!server.streams().stream("rate0").isLive());

      Path mp4 = bystander.writeGeneration(1, dir.resolve("bystander.mp4"));
      assertEquals("", Ffmpeg.run(60_000, "ffmpeg", "-v", "error", "-i", mp4.toString(), "-f", "null", "-").trim());
      String video = Ffmpeg.probeStream(mp4, "v:0", "nb_read_frames");
      int frames = Integer.parseInt(video.replaceAll("(?s).*nb_read_frames=(\\d+).*", "$1"));
      assertTrue(frames >= 75, video);
    }
  }

  /** Replaces the body of the AAC sequence header tag (after SoundFormat and AACPacketType) (FLV spec E.4.1). */
  static byte[] replaceAacSequenceHeader(byte[] flv, byte[] audioSpecificConfig) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(flv, 0, 13);
    int position = 13;
    while (position + 11 <= flv.length) {
      int size = ((flv[position + 1] & 0xFF) << 16) | ((flv[position + 2] & 0xFF) << 8) | (flv[position + 3] & 0xFF);
      byte[] header = java.util.Arrays.copyOfRange(flv, position, position + 11);
      byte[] body = java.util.Arrays.copyOfRange(flv, position + 11, position + 11 + size);
      if ((header[0] & 0x1F) == 8 && body.length >= 2 && (body[0] & 0xF0) == 0xA0 && body[1] == 0) {
        body = new byte[2 + audioSpecificConfig.length];
        body[0] = flv[position + 11];
        System.arraycopy(audioSpecificConfig, 0, body, 2, audioSpecificConfig.length);
        header[1] = (byte) (body.length >> 16); // UI24 DataSize
        header[2] = (byte) (body.length >> 8);
        header[3] = (byte) body.length;
      }
      out.writeBytes(header);
      out.writeBytes(body);
      out.writeBytes(ByteBuffer.allocate(4).putInt(11 + body.length).array()); // UI32 PreviousTagSize
      position += 11 + size + 4;
    }
    return out.toByteArray();
  }

  /** Adds {@code jumpMs} to the timestamp of every audio and video tag at or after {@code fromMs} (FLV spec E.4.1). */
  static byte[] retimeFlvTags(byte[] flv, long fromMs, long jumpMs) {
    byte[] out = flv.clone();
    int position = 9 + 4; // FLV header, PreviousTagSize0
    while (position + 11 <= out.length) {
      int type = out[position] & 0x1F;
      int size = ((out[position + 1] & 0xFF) << 16) | ((out[position + 2] & 0xFF) << 8) | (out[position + 3] & 0xFF);
      long timestamp = ((out[position + 7] & 0xFFL) << 24) | ((out[position + 4] & 0xFF) << 16)
          | ((out[position + 5] & 0xFF) << 8) | (out[position + 6] & 0xFF);
      if ((type == 8 || type == 9) && timestamp >= fromMs) {
        timestamp += jumpMs;
        out[position + 4] = (byte) (timestamp >> 16); // UI24 Timestamp
        out[position + 5] = (byte) (timestamp >> 8);
        out[position + 6] = (byte) timestamp;
        out[position + 7] = (byte) (timestamp >> 24); // UI8 TimestampExtended
      }
      position += 11 + size + 4;
    }
    return out;
  }

  private static int indexOf(byte[] data, String fourcc) {
    byte[] needle = fourcc.getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = 4; i + 4 <= data.length; i++) {
      for (int j = 0; j < 4; j++) {
        if (data[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("no " + fourcc + " box");
  }

  /** tfhd: size, type, version and flags, then unsigned int(32) track_ID. */
  private static int trackId(byte[] fragment) {
    return ByteBuffer.wrap(fragment, indexOf(fragment, "tfhd") + 8, 4).getInt();
  }

  /** tfdt version 1: size, type, version and flags, then unsigned int(64) baseMediaDecodeTime. */
  private static long tfdt(byte[] fragment) {
    int at = indexOf(fragment, "tfdt");
    assertEquals(1, fragment[at + 4], "tfdt version");
    return ByteBuffer.wrap(fragment, at + 8, 8).getLong();
  }
}
