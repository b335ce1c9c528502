package space.share.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static space.share.media.testing.LocalUrls.feed;
import static space.share.media.testing.LocalUrls.http;
import static space.share.media.testing.LocalUrls.rtmp;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import space.share.media.access.AccessPolicy.StaticStream;
import space.share.media.testing.Await;
import space.share.media.testing.FeedClient;
import space.share.media.testing.Ffmpeg;
import space.share.media.testing.MemberTokens;

/** Real ffmpeg publishing over RTMP into the real server; a real WebSocket viewer; ffprobe/ffmpeg check the output. */
class MediaServerIT {
  private static final String SECRET = "it-secret";
  private static MediaServer server;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    Map<String, StaticStream> streams = new HashMap<>();
    for (String id : List.of("count", "late", "busy", "again", "badkey", "bframes")) {
      streams.put(id, new StaticStream(id, id + "-key", /* open= */ true));
    }
    // "private" is a room stream with a fixed publish key (as docker-compose runs one): viewers need member tokens.
    server = MediaServer.start(new MediaConfig("127.0.0.1", 0, 0, SECRET, streams, Map.of("private", "private-key"),
        4 * 1024 * 1024, 200));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void feed_fromFfmpegPublish_decodesEveryFrameWithRightSizeAndTiming() throws Exception {
    try (FeedClient viewer = FeedClient.connect(feed(server, "count"))) {
      viewer.await(m -> m.isType("waiting"), 5_000);
      Ffmpeg.Result publish = Ffmpeg.await(
          Ffmpeg.publishTestPattern(rtmp(server, "count-key"), "640x360", 30, 4, List.of("-b:v", "1M")), 30_000);
      assertEquals(0, publish.exitCode(), publish.output());
      viewer.await(m -> m.isType("ended"), 10_000);

      JsonNode header = viewer.await(m -> m.isType("header"), 0).json();
      assertEquals(640, header.get("width").asInt());
      assertEquals(360, header.get("height").asInt());
      assertTrue(header.get("codecs").asText().matches("avc1\\.[0-9a-f]{6},mp4a\\.40\\.2"), header.toString());
      assertEquals("video/mp4; codecs=\"" + header.get("codecs").asText() + "\"", header.get("mimeType").asText());

      Path mp4 = viewer.writeGeneration(1, dir.resolve("feed.mp4"));
      // Decoding every frame reports no error.
      assertEquals("", Ffmpeg.run(60_000, "ffmpeg", "-v", "error", "-i", mp4.toString(), "-f", "null", "-").trim());
      String video = Ffmpeg.probeStream(mp4, "v:0", "codec_name,width,height,nb_read_frames");
      assertTrue(video.contains("codec_name=h264") && video.contains("width=640") && video.contains("height=360"),
          video);
      int frames = Integer.parseInt(video.replaceAll("(?s).*nb_read_frames=(\\d+).*", "$1"));
      // 4 s at 30 fps. Red5 may drop the last packets queued when the publisher unpublishes (<= 3 frames).
      assertTrue(frames >= 117 && frames <= 120, "video frames: " + frames);
      String audio = Ffmpeg.probeStream(mp4, "a:0", "codec_name,sample_rate,nb_read_frames");
      assertTrue(audio.contains("codec_name=aac") && audio.contains("sample_rate=48000"), audio);
      int audioFrames = Integer.parseInt(audio.replaceAll("(?s).*nb_read_frames=(\\d+).*", "$1"));
      assertTrue(audioFrames >= 180 && audioFrames <= 190, "AAC frames for 4 s at 48 kHz: " + audioFrames);

      // Every video frame sits one frame interval after the previous one.
      double[] pts = Arrays.stream(Ffmpeg.run(60_000, "ffprobe", "-v", "error", "-select_streams", "v:0",
              "-show_entries", "frame=pts_time", "-of", "csv=p=0", mp4.toString()).trim().split("[,\\s]+"))
          .mapToDouble(Double::parseDouble).sorted().toArray();
      for (int i = 1; i < pts.length; i++) {
        assertEquals(1.0 / 30, pts[i] - pts[i - 1], 0.0015, "frame interval before frame " + i);
      }
    }
  }

  @Test
  void feed_publisherWithBFrames_keepsCompositionOffsetsAndFrameOrder() throws Exception {
    try (FeedClient viewer = FeedClient.connect(feed(server, "bframes"))) {
      // Like OBS's default x264 settings: B-frames, so presentation order differs from decode order.
      Ffmpeg.Result publish = Ffmpeg.await(Ffmpeg.publishTestPattern(rtmp(server, "bframes-key"), "320x240", 30, 3,
          List.of("-preset", "veryfast", "-tune", "film", "-bf", "2", "-profile:v", "high")), 30_000);
      assertEquals(0, publish.exitCode(), publish.output());
      viewer.await(m -> m.isType("ended"), 10_000);
      Path mp4 = viewer.writeGeneration(1, dir.resolve("bframes.mp4"));
      assertEquals("", Ffmpeg.run(60_000, "ffmpeg", "-v", "error", "-i", mp4.toString(), "-f", "null", "-").trim());
      String types = Ffmpeg.run(60_000, "ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
          "frame=pict_type", "-of", "csv=p=0", mp4.toString());
      assertTrue(types.contains("B"), "no B-frames were published");
      double[] pts = Arrays.stream(Ffmpeg.run(60_000, "ffprobe", "-v", "error", "-select_streams", "v:0",
              "-show_entries", "frame=pts_time", "-of", "csv=p=0", mp4.toString()).trim().split("[,\\s]+"))
          .mapToDouble(Double::parseDouble).toArray();
      // Decoded frames come out in presentation order, evenly spaced: the signed offsets put each one in place.
      // (The last few frames in decode order may be lost at unpublish, leaving holes at the very end.)
      for (int i = 1; i < pts.length - 4; i++) {
        assertEquals(1.0 / 30, pts[i] - pts[i - 1], 0.0015, "presentation interval before frame " + i);
      }
    }
  }

  @Test
  void feed_viewerJoiningMidStream_startsAtKeyframeAndDecodes() throws Exception {
    Process publish = Ffmpeg.publishTestPattern(rtmp(server, "late-key"), "320x240", 30, 4, List.of());
    try (FeedClient probe = FeedClient.connect(feed(server, "late"))) {
      // Joins mid-stream, about 1.5 s in (a GOP is one second): a fragment a sample, 30 video + ~47 audio a second.
      probe.awaitFragments(115, 15_000);
      try (FeedClient viewer = FeedClient.connect(feed(server, "late"))) {
        viewer.await(m -> m.isType("ended"), 15_000);
        Path mp4 = viewer.writeGeneration(1, dir.resolve("late.mp4"));
        String firstFrame = Ffmpeg.run(60_000, "ffprobe", "-v", "error", "-select_streams", "v:0", "-read_intervals",
            "%+#1", "-show_entries", "frame=key_frame", "-of", "csv=p=0", mp4.toString()).trim();
        assertEquals("1", firstFrame);
        assertEquals("", Ffmpeg.run(60_000, "ffmpeg", "-v", "error", "-i", mp4.toString(), "-f", "null", "-").trim());
      }
    } finally {
      Ffmpeg.await(publish, 30_000);
    }
  }

  @Test
  void publish_unknownKey_isRefusedAndNothingGoesLive() throws Exception {
    Ffmpeg.Result result = Ffmpeg.await(
        Ffmpeg.publishTestPattern(rtmp(server, "not-a-key"), "320x240", 30, 2, List.of()), 30_000);
    assertNotEquals(0, result.exitCode());
    assertTrue(server.streams().all().stream().noneMatch(s -> s.isLive()), "a stream went live");
  }

  @Test
  void publish_secondPublisherOnLiveStream_isRefusedAndFirstContinues() throws Exception {
    try (FeedClient viewer = FeedClient.connect(feed(server, "busy"))) {
      Process first = Ffmpeg.publishTestPattern(rtmp(server, "busy-key"), "320x240", 30, 5, List.of());
      Await.live(server.streams(), "busy");
      Ffmpeg.Result second = Ffmpeg.await(
          Ffmpeg.publishTestPattern(rtmp(server, "busy-key"), "160x120", 30, 2, List.of()), 30_000);
      assertNotEquals(0, second.exitCode(), "second publisher was accepted");
      assertEquals(0, Ffmpeg.await(first, 30_000).exitCode());
      viewer.await(m -> m.isType("ended"), 10_000);
      assertEquals(1, viewer.messages().stream().filter(m -> m.isType("header")).count());
      Path mp4 = viewer.writeGeneration(1, dir.resolve("busy.mp4"));
      String video = Ffmpeg.probeStream(mp4, "v:0", "width,nb_read_frames");
      int frames = Integer.parseInt(video.replaceAll("(?s).*nb_read_frames=(\\d+).*", "$1"));
      assertTrue(video.contains("width=320") && frames >= 147, video);
    }
  }

  @Test
  void feed_republishAtNewResolution_sendsNewHeaderWithoutReconnecting() throws Exception {
    try (FeedClient viewer = FeedClient.connect(feed(server, "again"))) {
      assertEquals(0, Ffmpeg.await(
          Ffmpeg.publishTestPattern(rtmp(server, "again-key"), "320x240", 30, 2, List.of()), 30_000).exitCode());
      viewer.await(m -> m.isType("ended"), 10_000);
      assertEquals(0, Ffmpeg.await(
          Ffmpeg.publishTestPattern(rtmp(server, "again-key"), "480x270", 30, 2, List.of()), 30_000).exitCode());
      viewer.await(m -> m.isType("header") && m.json().get("generation").asInt() == 2, 10_000);
      viewer.await(m -> m.isType("ended") && viewer.messages().stream().filter(x -> x.isType("ended")).count() == 2,
          10_000);

      List<JsonNode> headers = viewer.messages().stream().filter(m -> m.isType("header")).map(m -> m.json()).toList();
      assertEquals(2, headers.size());
      assertEquals(320, headers.get(0).get("width").asInt());
      assertEquals(480, headers.get(1).get("width").asInt());
      for (int generation = 1; generation <= 2; generation++) {
        Path mp4 = viewer.writeGeneration(generation, dir.resolve("again" + generation + ".mp4"));
        assertEquals("", Ffmpeg.run(60_000, "ffmpeg", "-v", "error", "-i", mp4.toString(), "-f", "null", "-").trim());
        String video = Ffmpeg.probeStream(mp4, "v:0", "width,nb_read_frames");
        assertTrue(video.contains("width=" + (generation == 1 ? 320 : 480)), video);
      }
    }
  }

  @Test
  void feed_privateStream_refusesMissingOrForgedTokenAndAdmitsSignedOne() throws Exception {
    try (FeedClient anonymous = FeedClient.connect(feed(server, "private"))) {
      assertEquals(4403, anonymous.awaitClose(5_000));
    }
    long expires = System.currentTimeMillis() / 1000 + 600;
    try (FeedClient forged = FeedClient.connect(feed(server, "private") + "?token=m1.private.alice." + expires + ".AAAA")) {
      assertEquals(4403, forged.awaitClose(5_000));
    }
    String expiredToken = MemberTokens.token("private", "alice", 1000, SECRET);
    try (FeedClient expired = FeedClient.connect(feed(server, "private") + "?token=" + expiredToken)) {
      assertEquals(4403, expired.awaitClose(5_000));
    }
    String memberToken = MemberTokens.token("private", "alice", expires, SECRET);
    try (FeedClient member = FeedClient.connect(feed(server, "private") + "?token=" + memberToken)) {
      member.await(m -> m.isType("waiting"), 5_000);
    }
    try (FeedClient unknown = FeedClient.connect(feed(server, "Not_A_Room"))) {
      assertEquals(4404, unknown.awaitClose(5_000));
    }
  }

  @Test
  void status_list_namesPublicRelaysButNeverRooms() throws Exception {
    long expires = System.currentTimeMillis() / 1000 + 600;
    try (FeedClient member = FeedClient.connect(feed(server, "private") + "?token="
            + MemberTokens.token("private", "alice", expires, SECRET));
        FeedClient relayViewer = FeedClient.connect(feed(server, "late"))) {
      member.await(m -> m.isType("waiting"), 5_000);
      relayViewer.await(m -> m.isType("waiting") || m.isType("header"), 5_000);
      assertTrue(server.streams().find("private").isPresent(), "the room stream is known to the server");
      String list = Ffmpeg.run(10_000, "curl", "-sf", http(server, "/api/streams"));
      assertTrue(list.contains("\"id\":\"late\""), list);
      assertFalse(list.contains("private"), list);
    }
  }

  @Test
  void status_api_listsStreams() throws Exception {
    String body = Ffmpeg.run(10_000, "curl", "-sf", http(server, "/api/streams/count"));
    assertTrue(body.contains("\"id\":\"count\""), body);
    String missing = Ffmpeg.run(10_000, "curl", "-s", http(server, "/api/streams/zzz"));
    assertTrue(missing.contains("\"error\":\"not_found\""), missing);
    assertFalse(server.streams().find("zzz").isPresent());
  }
}
