package space.share.room.placement;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One media server as the controller knows it. Immutable.
 *
 * @param id its name in {@code room.media.servers} ({@code default} for the single-server keys)
 * @param publicUrl as browsers reach it: feed {@code ws(s)://.../live/{roomId}/feed}, playlist {@code .../index.m3u8}
 * @param internalUrl as this controller reaches it: {@code /healthz}, {@code /api/streams/{id}}, revocations
 * @param rtmpUrl the RTMP publish base publishers are shown: {@code {rtmpUrl}/{stream key}}
 * @param desktopRtmpUrl the RTMP publish base this controller's room desktops use (may be a shorter path to the same
 *     server, e.g. loopback)
 */
public record MediaHost(String id, String publicUrl, String internalUrl, String rtmpUrl, String desktopRtmpUrl) {
  /** The id of the one server the single-server keys ({@code room.media.public-url} ...) describe. */
  public static final String SINGLE_ID = "default";
  /** Ids fold into environment names ({@code SHARE_SPACE_ROOM_MEDIA_SERVERS_<ID>_PUBLIC_URL}): no dots or dashes. */
  public static final Pattern ID = Pattern.compile("[a-z0-9_]{1,32}");

  public MediaHost {
    Objects.requireNonNull(id);
    Objects.requireNonNull(publicUrl);
    Objects.requireNonNull(internalUrl);
    Objects.requireNonNull(rtmpUrl);
    Objects.requireNonNull(desktopRtmpUrl);
  }
}
