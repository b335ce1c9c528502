package space.share.room.placement;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import space.share.settings.Settings;

/** The media servers of {@code room.media.servers}, or the one the single-server keys describe. */
public final class MediaHosts {
  private MediaHosts() {}

  /**
   * {@code room.media.servers=a,b} with {@code room.media.servers.<id>.public-url}, {@code .internal-url},
   * {@code .rtmp-url} each, and optionally {@code .desktop-rtmp-url} (default: the rtmp-url), in that order (ties in
   * placement go to the first). Without the list: one server {@value MediaHost#SINGLE_ID} from {@code
   * room.media.public-url}, {@code room.media.internal-url}, {@code room.media.rtmp-url} and {@code
   * room.desktop.rtmp-url}, as before there were several.
   *
   * @throws IllegalArgumentException a bad id, a repeated id, or a server missing one of its URLs, naming the key
   */
  public static List<MediaHost> fromConfig(Settings config) {
    String list = config.get("room.media.servers", "");
    Map<String, String> publicUrls = config.group("room.media.servers.", ".public-url");
    Map<String, String> internalUrls = config.group("room.media.servers.", ".internal-url");
    Map<String, String> rtmpUrls = config.group("room.media.servers.", ".rtmp-url");
    Map<String, String> desktopRtmpUrls = config.group("room.media.servers.", ".desktop-rtmp-url");
    if (list.isBlank()) {
      return List.of(new MediaHost(MediaHost.SINGLE_ID,
          config.get("room.media.public-url", "http://localhost:8081"),
          config.get("room.media.internal-url", "http://127.0.0.1:8081"),
          config.get("room.media.rtmp-url", "rtmp://localhost:1935/live"),
          config.get("room.desktop.rtmp-url", "rtmp://127.0.0.1:1935/live")));
    }
    Set<String> ids = new LinkedHashSet<>();
    for (String part : list.split(",")) {
      String id = part.strip();
      if (!MediaHost.ID.matcher(id).matches()) {
        throw new IllegalArgumentException(config.describe("room.media.servers") + ": server id '" + id
            + "' must match " + MediaHost.ID.pattern());
      }
      if (!ids.add(id)) {
        throw new IllegalArgumentException(config.describe("room.media.servers") + " names " + id + " twice");
      }
    }
    List<MediaHost> hosts = new ArrayList<>();
    for (String id : ids) {
      String rtmp = require(rtmpUrls, id, "rtmp-url");
      hosts.add(new MediaHost(id, require(publicUrls, id, "public-url"), require(internalUrls, id, "internal-url"), rtmp,
          desktopRtmpUrls.getOrDefault(id, "").isBlank() ? rtmp : desktopRtmpUrls.get(id)));
    }
    return List.copyOf(hosts);
  }

  private static String require(Map<String, String> values, String id, String suffix) {
    String value = values.getOrDefault(id, "");
    if (value.isBlank()) {
      String key = "room.media.servers." + id + "." + suffix;
      throw new IllegalArgumentException("media server " + id + " (room.media.servers) needs " + key + " (env "
          + Settings.envName(key) + ")");
    }
    return value;
  }
}
