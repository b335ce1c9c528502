package space.share.room.rooms;

/**
 * Where a room's encoder publishes: {@code rtmpUrl} is the whole URL, stream key included
 * ({@code rtmp://host:1935/live/r.room1.sig}), on the media server {@code mediaHostId}. Immutable. Its
 * {@link #toString()} leaves the key out (logs are kept).
 */
public record PublishTarget(String mediaHostId, String rtmpUrl) {
  /** {@code {base}/{streamKey}}, the base's trailing slashes dropped. */
  public static PublishTarget of(String mediaHostId, String rtmpBaseUrl, String streamKey) {
    return new PublishTarget(mediaHostId, rtmpBaseUrl.replaceAll("/+$", "") + "/" + streamKey);
  }

  /** Where a room's desktop publishes on {@code host} (its desktop-facing RTMP URL). */
  public static PublishTarget forDesktop(space.share.room.placement.MediaHost host, String streamKey) {
    return of(host.id(), host.desktopRtmpUrl(), streamKey);
  }

  /** The URL without its last path element (the stream key). */
  public String redacted() {
    int slash = rtmpUrl.lastIndexOf('/');
    return (slash < 0 ? "" : rtmpUrl.substring(0, slash)) + "/***";
  }

  @Override
  public String toString() {
    return "PublishTarget[" + mediaHostId + " " + redacted() + "]";
  }
}
