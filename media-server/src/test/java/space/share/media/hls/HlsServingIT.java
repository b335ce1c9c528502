package space.share.media.hls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import space.share.media.MediaConfig;
import space.share.media.MediaServer;
import space.share.media.access.AccessPolicy.StaticStream;
import space.share.media.testing.Ffmpeg;
import space.share.media.testing.LocalUrls;
import space.share.media.testing.MemberTokens;

/** The real server with real ffmpeg publishing over RTMP; HTTP clients, ffprobe and ffmpeg read LL-HLS. */
class HlsServingIT {
  static final Pattern PART = Pattern.compile("#EXT-X-PART:[^\\n]*URI=\"part-(\\d+)\\.(\\d+)\\.m4s");
  static final Pattern HINT = Pattern.compile("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part-(\\d+)\\.(\\d+)\\.m4s");
  private static MediaServer server;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    Map<String, StaticStream> streams = new HashMap<>();
    for (String id : List.of("probe", "block", "again", "stall")) {
      streams.put(id, new StaticStream(id, id + "-key", /* open= */ true));
    }
    // "members" is a room stream with a fixed publish key: its playlist needs a member token.
    server = MediaServer.start(new MediaConfig("127.0.0.1", 0, 0, "it-secret", streams, Map.of("members", "members-key"),
        4 * 1024 * 1024, 200));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String rtmp(String key) {
    return LocalUrls.rtmp(server, key);
  }

  static String url(String streamId, String file) {
    return LocalUrls.http(server, "/live/" + streamId + "/" + file);
  }

  static HttpResponse<byte[]> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  /** {@link #awaitPlaylist} against any server. */
  static String awaitPlaylistOn(MediaServer other, String streamId, int segments) throws Exception {
    MediaServer saved = server;
    server = other;
    try {
      return awaitPlaylist(streamId, segments, "");
    } finally {
      server = saved;
    }
  }

  /** Polls the media playlist until it lists at least {@code segments} finished segments (bounded). */
  static String awaitPlaylist(String streamId, int segments, String query) throws Exception {
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      HttpResponse<byte[]> response = get(url(streamId, "media.m3u8" + query));
      if (response.statusCode() == 200 && text(response).split("#EXTINF", -1).length > segments) {
        return text(response);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no playlist with " + segments + " segments for " + streamId);
  }

  @Test
  void playlist_fromFfmpegPublish_ffprobeAndFfmpegReadIt() throws Exception {
    Process publish = Ffmpeg.publishTestPattern(rtmp("probe-key"), "640x360", 30, 12, List.of("-b:v", "1M"));
    try {
      awaitPlaylist("probe", 2, "");
      HttpResponse<byte[]> index = get(url("probe", "index.m3u8"));
      assertEquals(200, index.statusCode());
      assertEquals("application/vnd.apple.mpegurl", index.headers().firstValue("content-type").orElse(""));
      assertEquals("*", index.headers().firstValue("access-control-allow-origin").orElse(""));
      assertTrue(text(index).matches("(?s).*CODECS=\"avc1\\.[0-9a-f]{6},mp4a\\.40\\.2\",RESOLUTION=640x360,"
          + "FRAME-RATE=30\\.000\\n.*"), text(index));

      String streams = Ffmpeg.run(30_000, "ffprobe", "-v", "error", "-show_entries",
          "stream=codec_name,width,height,sample_rate", "-of", "compact", url("probe", "index.m3u8"));
      assertTrue(streams.contains("codec_name=h264|width=640|height=360"), streams);
      assertTrue(streams.contains("codec_name=aac") && streams.contains("sample_rate=48000"), streams);
      // ffmpeg's HLS demuxer plays the live playlist (it ignores the low-latency tags) and decodes cleanly.
      String decoded = Ffmpeg.run(30_000, "ffmpeg", "-v", "error", "-i", url("probe", "media.m3u8"), "-t", "2",
          "-f", "null", "-");
      assertEquals("", decoded.trim());
    } finally {
      Ffmpeg.await(publish, 30_000);
    }
  }

  @Test
  void media_blockingReloadAndPreloadHint_answerAsPartsAreWritten() throws Exception {
    Process publish = Ffmpeg.publishTestPattern(rtmp("block-key"), "640x360", 30, 12, List.of("-b:v", "1M"));
    try {
      String playlist = awaitPlaylist("block", 1, "");
      Matcher parts = PART.matcher(playlist);
      long msn = -1;
      int part = -1;
      while (parts.find()) {
        msn = Long.parseLong(parts.group(1));
        part = Integer.parseInt(parts.group(2));
      }
      assertTrue(msn > 0, playlist);

      // Ask for the part after the last listed one: the answer arrives when it is written (~one part target).
      long startNanos = System.nanoTime();
      HttpResponse<byte[]> blocked = get(url("block", "media.m3u8?_HLS_msn=" + msn + "&_HLS_part=" + (part + 1)));
      long waitedMs = (System.nanoTime() - startNanos) / 1_000_000;
      assertEquals(200, blocked.statusCode(), text(blocked));
      String next = text(blocked);
      assertTrue(next.contains("part-" + msn + "." + (part + 1) + ".m4s") || next.contains("seg-" + msn + ".m4s"),
          next);
      assertTrue(waitedMs < 2_000, "blocked " + waitedMs + " ms");
      assertTrue(blocked.headers().firstValue("cache-control").orElse("").startsWith("public, max-age="));

      // The hinted part streams while written (chunked), and equals the finished part fetched afterwards. A loaded
      // machine may ask only after the part is finished (then it has a length): ask for the next hint again.
      String hinted = null;
      HttpResponse<byte[]> streamed = null;
      for (int attempt = 0; attempt < 5 && (streamed == null || streamed.headers().firstValue("content-length")
          .isPresent()); attempt++) {
        String latest = attempt == 0 ? next : text(get(url("block", "media.m3u8")));
        Matcher hint = HINT.matcher(latest);
        assertTrue(hint.find(), latest);
        hinted = "part-" + hint.group(1) + "." + hint.group(2) + ".m4s";
        streamed = get(url("block", hinted));
        assertEquals(200, streamed.statusCode());
      }
      assertTrue(streamed.headers().firstValue("content-length").isEmpty(), "not chunked: " + streamed.headers());
      HttpResponse<byte[]> whole = get(url("block", hinted));
      assertEquals(String.valueOf(whole.body().length), whole.headers().firstValue("content-length").orElse(""));
      assertEquals("public, max-age=86400, immutable", whole.headers().firstValue("cache-control").orElse(""));
      assertArrayEquals(whole.body(), streamed.body());
      List<String> boxes = topLevelBoxes(whole.body());
      assertEquals("prft", boxes.get(0), boxes.toString());
      assertTrue(boxes.stream().allMatch(b -> b.equals("prft") || b.equals("moof") || b.equals("mdat")), boxes.toString());

      // A finished segment is its parts end to end.
      String later = awaitPlaylist("block", 2, "");
      Matcher segment = Pattern.compile("seg-(\\d+)\\.m4s").matcher(later);
      assertTrue(segment.find());
      long segmentMsn = Long.parseLong(segment.group(1));
      byte[] segmentBytes = get(url("block", "seg-" + segmentMsn + ".m4s")).body();
      ByteBuffer joined = ByteBuffer.allocate(segmentBytes.length);
      for (int i = 0; ; i++) {
        HttpResponse<byte[]> partResponse = get(url("block", "part-" + segmentMsn + "." + i + ".m4s"));
        if (partResponse.statusCode() != 200) {
          break;
        }
        joined.put(partResponse.body());
      }
      assertArrayEquals(segmentBytes, joined.array());

      // Refusals, per RFC 8216bis 6.2.5.2.
      assertEquals(400, get(url("block", "media.m3u8?_HLS_msn=" + (msn + 10))).statusCode());
      assertEquals(400, get(url("block", "media.m3u8?_HLS_part=1")).statusCode());
      assertEquals(400, get(url("block", "media.m3u8?_HLS_msn=abc")).statusCode());
      HttpResponse<byte[]> missing = get(url("block", "part-1.0.m4s"));
      assertEquals(404, missing.statusCode());
      assertTrue(text(missing).contains("\"error\":\"not_found\""), text(missing));
    } finally {
      Ffmpeg.await(publish, 30_000);
    }
  }

  @Test
  void media_publisherLeavesAndReturns_endlistThenDiscontinuity() throws Exception {
    Process first = Ffmpeg.publishTestPattern(rtmp("again-key"), "320x240", 30, 4, List.of());
    awaitPlaylist("again", 1, ""); // a viewer is watching over HLS while the publisher leaves
    assertEquals(0, Ffmpeg.await(first, 30_000).exitCode());
    long deadline = System.currentTimeMillis() + 10_000;
    String ended = "";
    while (!ended.contains("#EXT-X-ENDLIST") && System.currentTimeMillis() < deadline) {
      ended = text(get(url("again", "media.m3u8")));
      Thread.sleep(100);
    }
    assertTrue(ended.endsWith("#EXT-X-ENDLIST\n"), ended);
    assertFalse(ended.contains("PRELOAD-HINT"), ended);
    // A blocking request on an ended stream is answered at once.
    long lastMsn = lastSegmentMsn(ended);
    long startNanos = System.nanoTime();
    assertEquals(200, get(url("again", "media.m3u8?_HLS_msn=" + (lastMsn + 1))).statusCode());
    assertTrue(System.nanoTime() - startNanos < 1_000_000_000L);

    Process publish = Ffmpeg.publishTestPattern(rtmp("again-key"), "480x270", 30, 6, List.of());
    try {
      String again = "";
      deadline = System.currentTimeMillis() + 15_000;
      while (!(again.contains("init-2.mp4") && again.contains("#EXTINF")
          && lastSegmentMsn(again) > lastMsn) && System.currentTimeMillis() < deadline) {
        again = text(get(url("again", "media.m3u8")));
        Thread.sleep(200);
      }
      assertTrue(again.contains("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init-2.mp4\""), again);
      assertFalse(again.contains("ENDLIST"), again);
      assertTrue(lastSegmentMsn(again) > lastMsn);
      String probe = Ffmpeg.run(30_000, "ffprobe", "-v", "error", "-show_entries", "stream=width", "-of", "csv=p=0",
          url("again", "init-2.mp4"));
      assertEquals("480", probe.trim().split("\\s+")[0]);
    } finally {
      Ffmpeg.await(publish, 30_000);
    }
  }

  @Test
  void everyResource_privateStream_needsTokenAndPlaylistsCarryIt() throws Exception {
    for (String file : List.of("index.m3u8", "media.m3u8", "init-1.mp4", "seg-1.m4s", "part-1.0.m4s")) {
      HttpResponse<byte[]> refused = get(url("members", file));
      assertEquals(403, refused.statusCode(), file);
      assertTrue(text(refused).contains("\"error\":\"forbidden\""), text(refused));
    }
    assertEquals(404, get(url("Not_A_Room", "index.m3u8")).statusCode());
    String token = MemberTokens.token("members", "alice",
        System.currentTimeMillis() / 1000 + 600, "it-secret");
    Process publish = Ffmpeg.publishTestPattern(rtmp("members-key"), "320x240", 30, 6, List.of());
    try {
      String playlist = awaitPlaylist("members", 1, "?token=" + token);
      List<String> uris = new ArrayList<>();
      Matcher uri = Pattern.compile("(?m)URI=\"([^\"]+)\"|^([^#\\n][^\\n]*)$").matcher(playlist);
      while (uri.find()) {
        uris.add(uri.group(1) != null ? uri.group(1) : uri.group(2));
      }
      assertFalse(uris.isEmpty());
      for (String listed : uris) {
        assertTrue(listed.endsWith("?token=" + token), listed);
      }
      assertEquals(200, get(url("members", uris.get(0))).statusCode());
    } finally {
      Ffmpeg.await(publish, 30_000);
    }
  }

  @Test
  void media_publisherStallsWithoutLeaving_blockingReloadTimesOutWith503AfterThreeTargetDurations() throws Exception {
    Process publish = Ffmpeg.publishTestPattern(rtmp("stall-key"), "320x240", 30, 20, List.of());
    try {
      String playlist = awaitPlaylist("stall", 1, "");
      Matcher hint = HINT.matcher(playlist);
      assertTrue(hint.find(), playlist);
      // Freeze the publisher: its connection stays open, nothing new arrives.
      Ffmpeg.run(5_000, "kill", "-STOP", String.valueOf(publish.pid()));
      // Frames sent before the freeze may still complete a part or two: ask for the hinted part again until the
      // hint is one that nothing will fill.
      HttpResponse<byte[]> response = null;
      long waitedMs = 0;
      for (int attempt = 0; attempt < 5 && (response == null || response.statusCode() == 200); attempt++) {
        String stalled = text(get(url("stall", "media.m3u8")));
        Matcher next = HINT.matcher(stalled);
        assertTrue(next.find(), stalled);
        long startNanos = System.nanoTime();
        response = get(url("stall", "media.m3u8?_HLS_msn=" + next.group(1) + "&_HLS_part=" + next.group(2)));
        waitedMs = (System.nanoTime() - startNanos) / 1_000_000;
      }
      assertEquals(503, response.statusCode(), text(response));
      assertTrue(text(response).contains("\"error\":\"playlist_timeout\""), text(response));
      assertTrue(waitedMs >= 5_500 && waitedMs < 9_000, "answered after " + waitedMs + " ms");
    } finally {
      Ffmpeg.run(5_000, "kill", "-CONT", String.valueOf(publish.pid()));
      publish.destroy();
      if (!publish.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        publish.destroyForcibly();
      }
    }
  }

  private static long lastSegmentMsn(String playlist) {
    Matcher m = Pattern.compile("seg-(\\d+)\\.m4s").matcher(playlist);
    long last = -1;
    while (m.find()) {
      last = Long.parseLong(m.group(1));
    }
    return last;
  }

  /** A minimal box walker (no code shared with the muxer): the top-level box types of a CMAF chunk sequence. */
  static List<String> topLevelBoxes(byte[] data) {
    List<String> types = new ArrayList<>();
    ByteBuffer buffer = ByteBuffer.wrap(data);
    while (buffer.remaining() >= 8) {
      long size = Integer.toUnsignedLong(buffer.getInt(buffer.position()));
      types.add(new String(data, buffer.position() + 4, 4, StandardCharsets.US_ASCII));
      if (size < 8 || size > buffer.remaining()) {
        throw new AssertionError("bad box size " + size + " at " + buffer.position());
      }
      buffer.position(buffer.position() + (int) size);
    }
    assertEquals(0, buffer.remaining());
    return types;
  }
}
