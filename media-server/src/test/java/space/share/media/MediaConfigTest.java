package space.share.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import space.share.settings.Secrets;
import space.share.settings.Settings;
import space.share.settings.ShippedConfig;

class MediaConfigTest {
  private static final String SECRET = "media-config-test-secret";

  @Test
  void from_envOverEveryFileKey_envWins() {
    // Before the shared reader, file and env keys were folded into one HashMap: which won depended on hash order,
    // and SHARE_SPACE_MEDIA_HTTP_PORT=18181 still listened on 8081.
    Map<String, String> file = Map.of("secret", SECRET, "media.bind-host", "0.0.0.0", "media.rtmp.port", "1935",
        "media.http.port", "8081", "media.viewer.max-queue-bytes", "4194304", "media.hls.part-target-ms", "200");
    MediaConfig config = MediaConfig.from(Settings.of(file, Map.of("SHARE_SPACE_MEDIA_HTTP_PORT", "18181",
        "SHARE_SPACE_MEDIA_BIND_HOST", "127.0.0.1", "SHARE_SPACE_MEDIA_RTMP_PORT", "11935",
        "SHARE_SPACE_MEDIA_VIEWER_MAX_QUEUE_BYTES", "1000", "SHARE_SPACE_MEDIA_HLS_PART_TARGET_MS", "300")));
    assertEquals(18181, config.httpPort());
    assertEquals("127.0.0.1", config.bindHost());
    assertEquals(11935, config.rtmpPort());
    assertEquals(1000, config.viewerMaxQueueBytes());
    assertEquals(300, config.partTargetMs());
  }

  @Test
  void from_nothingSet_everyDefaultIsTheShippedValue() throws Exception {
    Settings settings = Settings.of(Map.of("secret", SECRET));
    MediaConfig config = MediaConfig.from(settings);
    assertEquals(8081, config.httpPort());
    assertEquals(1935, config.rtmpPort());
    assertEquals("0.0.0.0", config.bindHost());
    Path file = Path.of("../config/share-space.properties");
    assertEquals(List.of(), ShippedConfig.problems(settings.defaultsRead(), ShippedConfig.read(file),
        Files.readString(file)));
  }

  @Test
  void from_gopCacheOverHalfTheViewerQueue_refusedAtStart() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MediaConfig.from(Settings.of(
        Map.of("secret", SECRET, "media.viewer.max-queue-bytes", "1000000", "media.gop-cache-max-bytes", "600000"))));
    assertTrue(e.getMessage().contains("media.gop-cache-max-bytes"), e.getMessage());
    assertEquals(500_000, MediaConfig.from(Settings.of(Map.of("secret", SECRET,
        "media.viewer.max-queue-bytes", "1000000"))).gopCacheMaxBytes(), "unset, it follows a smaller queue");
  }

  @Test
  void from_relayKeysFromFileAndEnv_secretRuleApplied() {
    MediaConfig config = MediaConfig.from(Settings.of(Map.of("secret", SECRET,
            "media.streams.demo.key", "a-long-enough-relay-key", "media.streams.demo.public", "true"),
        Map.of("SHARE_SPACE_MEDIA_STREAMS_OBS_KEY", "another-long-relay-key")));
    assertEquals(true, config.staticStreams().get("demo").open());
    assertEquals(false, config.staticStreams().get("obs").open());
    assertThrows(Secrets.RefusedSecretException.class, () -> MediaConfig.from(Settings.of(Map.of("secret", SECRET,
        "media.streams.demo.key", "demo-key-change-me"))));
    assertThrows(Secrets.RefusedSecretException.class, () -> MediaConfig.from(Settings.of(Map.of())));
  }

  @Test
  void from_roomKeyForARelayId_refused() {
    assertThrows(IllegalArgumentException.class, () -> MediaConfig.from(Settings.of(Map.of("secret", SECRET,
        "media.streams.demo.key", "a-long-enough-relay-key", "media.room-keys.demo", "a-long-enough-room-key"))));
    MediaConfig config = MediaConfig.from(Settings.of(Map.of("secret", SECRET),
        Map.of("SHARE_SPACE_MEDIA_ROOM_KEYS_LOBBY", "a-long-enough-room-key")));
    assertEquals(Map.of("lobby", "a-long-enough-room-key"), config.roomPublishKeys());
  }
}
