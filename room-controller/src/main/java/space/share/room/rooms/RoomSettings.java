package space.share.room.rooms;

import java.util.Set;

/**
 * The room service's tunables, from {@code room.*} config keys.
 *
 * @param publicUrl this controller as browsers reach it ({@code room.public-url}), for event and VNC socket URLs
 * @param mediaPublicUrl the media server as browsers reach it ({@code room.media.public-url}): the one server of a
 *     room service built without {@code Placements} (tests); the controller gives each server's URLs in its placements
 * @param rtmpUrl the RTMP ingest base publishers use ({@code room.media.rtmp-url}), likewise
 * @param sessionTtlMs how long a member session lasts ({@code room.session-ttl-seconds})
 * @param mediaTokenTtlSeconds how long a media token lasts, capped by the session ({@code room.media.token-ttl-seconds})
 * @param idlePassMs holder idle time after which a pending request takes control ({@code room.control.idle-pass-ms})
 * @param generatedPasscodeChars length of passcodes the controller makes up
 * @param reservedRoomIds ids no room may take: the media server's relay stream ids ({@code media.streams.<id>.key}),
 *     a separate id space (a room with a relay's id would be public and publishable with the relay's key)
 */
public record RoomSettings(String publicUrl, String mediaPublicUrl, String rtmpUrl, long sessionTtlMs,
    long mediaTokenTtlSeconds, long idlePassMs, int generatedPasscodeChars, Set<String> reservedRoomIds) {

  public RoomSettings {
    reservedRoomIds = Set.copyOf(reservedRoomIds);
  }

  /** No reserved ids (tests). */
  public RoomSettings(String publicUrl, String mediaPublicUrl, String rtmpUrl, long sessionTtlMs,
      long mediaTokenTtlSeconds, long idlePassMs, int generatedPasscodeChars) {
    this(publicUrl, mediaPublicUrl, rtmpUrl, sessionTtlMs, mediaTokenTtlSeconds, idlePassMs, generatedPasscodeChars,
        Set.of());
  }

  /** ws(s) form of an http(s) base URL, without a trailing slash. */
  public static String webSocketBase(String httpUrl) {
    String base = httpUrl.endsWith("/") ? httpUrl.substring(0, httpUrl.length() - 1) : httpUrl;
    if (base.startsWith("https://")) {
      return "wss://" + base.substring("https://".length());
    }
    if (base.startsWith("http://")) {
      return "ws://" + base.substring("http://".length());
    }
    return base;
  }

  public static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
