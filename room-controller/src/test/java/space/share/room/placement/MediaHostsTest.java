package space.share.room.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import space.share.settings.Settings;

class MediaHostsTest {
  @Test
  void fromConfig_noList_oneServerFromTheSingleServerKeys() {
    Settings config = Settings.of(Map.of("room.media.public-url", "https://media.test", "room.media.internal-url",
        "http://media:8081", "room.media.rtmp-url", "rtmp://media.test/live", "room.desktop.rtmp-url",
        "rtmp://127.0.0.1:1935/live"));
    assertEquals(List.of(new MediaHost("default", "https://media.test", "http://media:8081", "rtmp://media.test/live",
        "rtmp://127.0.0.1:1935/live")), MediaHosts.fromConfig(config));
  }

  @Test
  void fromConfig_list_serversInListOrder_desktopRtmpDefaultsToRtmp_environmentWins() {
    Settings config = Settings.of(Map.of(
        "room.media.servers", "b, a",
        "room.media.servers.a.public-url", "https://a.test", "room.media.servers.a.internal-url", "http://a:8081",
        "room.media.servers.a.rtmp-url", "rtmp://a.test/live", "room.media.servers.a.desktop-rtmp-url", "rtmp://a/live",
        "room.media.servers.b.public-url", "https://b.test", "room.media.servers.b.internal-url", "http://b:8081",
        "room.media.servers.b.rtmp-url", "rtmp://b.test/live"),
        Map.of("SHARE_SPACE_ROOM_MEDIA_SERVERS_B_PUBLIC_URL", "https://b.example"));
    assertEquals(List.of(
        new MediaHost("b", "https://b.example", "http://b:8081", "rtmp://b.test/live", "rtmp://b.test/live"),
        new MediaHost("a", "https://a.test", "http://a:8081", "rtmp://a.test/live", "rtmp://a/live")),
        MediaHosts.fromConfig(config));
  }

  @Test
  void fromConfig_serverMissingAUrl_errorNamesTheKeyAndItsEnvironmentName() {
    Settings config = Settings.of(Map.of("room.media.servers", "a", "room.media.servers.a.public-url", "https://a.test",
        "room.media.servers.a.rtmp-url", "rtmp://a.test/live"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MediaHosts.fromConfig(config));
    assertTrue(e.getMessage().contains("room.media.servers.a.internal-url")
        && e.getMessage().contains("SHARE_SPACE_ROOM_MEDIA_SERVERS_A_INTERNAL_URL"), e.getMessage());
  }

  @Test
  void fromConfig_badOrRepeatedId_refused() {
    assertThrows(IllegalArgumentException.class,
        () -> MediaHosts.fromConfig(Settings.of(Map.of("room.media.servers", "a,media-2"))));
    assertThrows(IllegalArgumentException.class,
        () -> MediaHosts.fromConfig(Settings.of(Map.of("room.media.servers", "a,,b"))));
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> MediaHosts.fromConfig(Settings.of(Map.of("room.media.servers", "a,a"))));
    assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
  }
}
