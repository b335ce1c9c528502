package space.share.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import space.share.settings.HttpLimits;
import space.share.media.ingest.rtmp.RtmpLimits;
import space.share.settings.Settings;

class MediaConfigLimitsTest {
  private static final Map<String, String> BASE = Map.of("secret", "media-config-limits-test-secret");

  private static MediaConfig from(Map<String, String> file, Map<String, String> env) {
    Map<String, String> all = new HashMap<>(BASE);
    all.putAll(file);
    return MediaConfig.from(Settings.of(all, env));
  }

  @Test
  void from_withoutLimitKeys_usesTheDefaults() {
    MediaConfig config = from(Map.of(), Map.of());
    assertEquals(RtmpLimits.DEFAULTS, config.rtmpLimits());
    assertEquals(HttpLimits.DEFAULTS, config.httpLimits());
  }

  @Test
  void from_fileAndEnvironmentSpellings_setEachLimit() {
    MediaConfig config = from(Map.ofEntries(
        Map.entry("media.rtmp.max-connections", "10"),
        Map.entry("media.rtmp.max-connections-per-address", "99"),
        Map.entry("media.rtmp.connect-timeout-ms", "1500"),
        Map.entry("media.rtmp.max-chunk-bytes", "4096"),
        Map.entry("media.rtmp.max-message-bytes", "1048576"),
        Map.entry("media.rtmp.max-message-bytes-before-publish", "16384"),
        Map.entry("media.rtmp.max-chunk-streams", "8"),
        Map.entry("media.rtmp.max-partial-messages", "3"),
        Map.entry("media.rtmp.max-inactivity-ms", "20000"),
        Map.entry("media.http.max-connections", "100"),
        Map.entry("media.http.idle-timeout-ms", "5000"),
        Map.entry("media.http.max-request-header-bytes", "4096")),
        Map.of("SHARE_SPACE_MEDIA_RTMP_MAX_CONNECTIONS_PER_ADDRESS", "2"));
    assertEquals(new RtmpLimits(10, 2, 1500, 4096, 1048576, 16384, 8, 3, 20000), config.rtmpLimits());
    assertEquals(new HttpLimits(100, 5000, 4096), config.httpLimits());
  }

  @Test
  void from_impossibleLimit_failsAtStart() {
    assertThrows(IllegalArgumentException.class,
        () -> from(Map.of("media.rtmp.max-message-bytes", "33554432"), Map.of()));
  }
}
