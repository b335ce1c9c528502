package space.share.media.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import space.share.media.testing.Golden;

/**
 * Playlists pinned byte for byte in {@code src/test/resources/golden/hls/}, each also read back by an independent
 * parser. After an intended change, regenerate with the module's one switch ({@code mvn -pl media-server test
 * -Dgolden.update=true}, see {@link Golden}) and review the diff.
 */
class PlaylistGoldenTest {
  static final String TOKEN_QUERY = "?token=m1.room1.alice.1763703600.c2lnbmF0dXJl";

  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private HlsPackager packager() {
    return new HlsPackager("room1", HlsSettings.withPartTargetMs(200), HlsPackagerTest.CLOCK, executor);
  }

  @Test
  void media_liveWithToken_matchesGoldenAndParses() throws Exception {
    HlsPackager packager = packager();
    new FakePublisher(packager, 30, 30, true).begin(FakePublisher.init(1280, 720), 1, 0).run(3_500);
    String playlist = PlaylistWriter.media(packager.snapshot(), false, TOKEN_QUERY);
    assertGolden("media-live.m3u8", playlist);

    JsonNode parsed = IndependentParser.parse(playlist);
    assertEquals(2, parsed.get("targetDuration").asInt());
    assertEquals(0.2, parsed.get("partTargetDuration").asDouble(), 1e-9);
    JsonNode control = parsed.get("serverControl");
    assertTrue(control.get("canBlockReload").asBoolean());
    assertEquals(0.6, control.get("partHoldBack").asDouble(), 1e-9);
    assertEquals(12.0, control.get("canSkipUntil").asDouble(), 1e-9);
    assertEquals(3, parsed.get("segments").size());
    for (JsonNode segment : parsed.get("segments")) {
      assertEquals(1.0, segment.get("duration").asDouble(), 1e-9);
      assertTrue(segment.get("uri").asText().endsWith(TOKEN_QUERY), segment.toString());
      assertTrue(segment.get("map").get("uri").asText().equals("init-1.mp4" + TOKEN_QUERY));
      assertPartsWithinTarget(segment.get("parts"), 0.2);
      assertTrue(segment.get("parts").get(0).get("independent").asBoolean());
    }
    // The segment being written: its finished parts and the hinted one.
    JsonNode preload = parsed.get("preloadSegment");
    assertEquals(2, preload.get("parts").size());
    assertEquals("part-1763700003.2.m4s" + TOKEN_QUERY, preload.get("preloadHints").get(0).get("uri").asText());
    assertEquals("PART", preload.get("preloadHints").get(0).get("type").asText());
  }

  @Test
  void media_longStreamDeltaUpdate_skipsOldSegmentsAndListsPartsOnlyNearTheEdge() throws Exception {
    HlsPackager packager = packager();
    new FakePublisher(packager, 30, 30, true).begin(FakePublisher.init(1280, 720), 1, 0).run(40_200);
    HlsSnapshot snapshot = packager.snapshot();
    String full = PlaylistWriter.media(snapshot, false, "");
    String delta = PlaylistWriter.media(snapshot, true, "");
    assertGolden("media-window.m3u8", full);
    assertGolden("media-window-skip.m3u8", delta);

    JsonNode fullParsed = IndependentParser.parse(full);
    JsonNode deltaParsed = IndependentParser.parse(delta);
    int listed = fullParsed.get("segments").size();
    assertEquals(24, listed);
    int skipped = deltaParsed.get("skip").get("skippedSegments").asInt();
    assertEquals(12, skipped);
    assertEquals(listed - skipped, deltaParsed.get("segments").size());
    assertEquals(fullParsed.get("segments").get(skipped).get("uri"), deltaParsed.get("segments").get(0).get("uri"));
    // Parts only for segments ending within 3 target durations (6 s) of the edge.
    int withParts = 0;
    for (JsonNode segment : fullParsed.get("segments")) {
      withParts += segment.has("parts") ? 1 : 0;
    }
    assertEquals(6, withParts);
  }

  @Test
  void media_publisherLeftAndCameBack_endlistThenDiscontinuityWithNewMap() throws Exception {
    HlsPackager packager = packager();
    FakePublisher publisher = new FakePublisher(packager, 30, 30, true);
    publisher.begin(FakePublisher.init(1280, 720), 1, 0).run(2_000).end();
    String ended = PlaylistWriter.media(packager.snapshot(), false, "");
    assertGolden("media-ended.m3u8", ended);
    JsonNode endedParsed = IndependentParser.parse(ended);
    assertTrue(endedParsed.get("endList").asBoolean());
    assertFalse(endedParsed.has("preloadSegment"));

    publisher.begin(FakePublisher.init(640, 360), 2, 0).run(1_500);
    String again = PlaylistWriter.media(packager.snapshot(), false, "");
    assertGolden("media-republished.m3u8", again);
    JsonNode parsed = IndependentParser.parse(again);
    assertFalse(parsed.has("endList"));
    JsonNode segments = parsed.get("segments");
    assertEquals(3, segments.size());
    assertEquals(List.of(0, 0, 1), timelines(segments));
    assertEquals("init-2.mp4", segments.get(2).get("map").get("uri").asText());
    assertEquals("init-1.mp4", segments.get(1).get("map").get("uri").asText());
  }

  @Test
  void multivariant_live_describesTheStreamFromItsInitSegment() throws Exception {
    HlsPackager packager = packager();
    new FakePublisher(packager, 30, 30, true).begin(FakePublisher.init(1280, 720), 1, 0).run(3_500);
    String playlist = PlaylistWriter.multivariant(packager.snapshot(), TOKEN_QUERY);
    assertGolden("multivariant.m3u8", playlist);
    JsonNode variant = IndependentParser.parse(playlist).get("playlists").get(0);
    JsonNode attributes = variant.get("attributes");
    assertEquals("avc1.64001f,mp4a.40.2", attributes.get("CODECS").asText());
    assertEquals(1280, attributes.get("RESOLUTION").get("width").asInt());
    assertEquals(30.0, attributes.get("FRAME-RATE").asDouble(), 1e-9);
    assertTrue(attributes.get("BANDWIDTH").asLong() > 0);
    assertEquals("media.m3u8" + TOKEN_QUERY, variant.get("uri").asText());
  }

  private static List<Integer> timelines(JsonNode segments) {
    List<Integer> out = new ArrayList<>();
    segments.forEach(s -> out.add(s.get("timeline").asInt()));
    return out;
  }

  private static void assertPartsWithinTarget(JsonNode parts, double partTargetS) {
    for (JsonNode part : parts) {
      assertTrue(part.get("duration").asDouble() <= partTargetS, part.toString());
    }
  }

  static void assertGolden(String name, String actual) throws Exception {
    Golden.assertMatches("hls/" + name, actual);
  }
}
