package space.share.media.testing;

import space.share.media.MediaServer;

/** The URLs of a media server a test started on 127.0.0.1: its RTMP ingest, its feed, its HTTP paths. */
public final class LocalUrls {
  private LocalUrls() {}

  /** Where a publisher with {@code key} pushes. */
  public static String rtmp(MediaServer server, String key) {
    return "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + key;
  }

  /** The WebSocket fMP4 feed of {@code streamId} (no token). */
  public static String feed(MediaServer server, String streamId) {
    return "ws://127.0.0.1:" + server.httpPort() + "/live/" + streamId + "/feed";
  }

  /** {@code path} (starting with {@code /}) on the server's HTTP port. */
  public static String http(MediaServer server, String path) {
    return "http://127.0.0.1:" + server.httpPort() + path;
  }
}
