package space.share.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import space.share.media.http.HttpLimits;
import space.share.media.ingest.rtmp.RtmpLimits;

class MediaConfigLimitsTest {
  @Test
  void fromKeys_withoutLimitKeys_usesTheDefaults() {
    MediaConfig config = MediaConfig.fromKeys(Map.of());
    assertEquals(RtmpLimits.DEFAULTS, config.rtmpLimits());
    assertEquals(HttpLimits.DEFAULTS, config.httpLimits());
  }

  @Test
  void fromKeys_fileAndEnvironmentSpellings_setEachLimit() {
    MediaConfig config = MediaConfig.fromKeys(Map.ofEntries(
        Map.entry("media.rtmp.max-connections", "10"),
        Map.entry("media_rtmp_max_connections_per_address", "2"),
        Map.entry("media.rtmp.connect-timeout-ms", "1500"),
        Map.entry("media.rtmp.max-chunk-bytes", "4096"),
        Map.entry("media.rtmp.max-message-bytes", "1048576"),
        Map.entry("media.rtmp.max-message-bytes-before-publish", "16384"),
        Map.entry("media.rtmp.max-chunk-streams", "8"),
        Map.entry("media.rtmp.max-partial-messages", "3"),
        Map.entry("media.rtmp.max-inactivity-ms", "20000"),
        Map.entry("media.http.max-connections", "100"),
        Map.entry("media.http.idle-timeout-ms", "5000"),
        Map.entry("media.http.max-request-header-bytes", "4096")));
    assertEquals(new RtmpLimits(10, 2, 1500, 4096, 1048576, 16384, 8, 3, 20000), config.rtmpLimits());
    assertEquals(new HttpLimits(100, 5000, 4096), config.httpLimits());
  }

  @Test
  void fromKeys_impossibleLimit_failsAtStart() {
    assertThrows(IllegalArgumentException.class,
        () -> MediaConfig.fromKeys(Map.of("media.rtmp.max-message-bytes", "33554432")));
  }
}
