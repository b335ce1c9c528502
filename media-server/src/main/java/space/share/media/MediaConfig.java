package space.share.media;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import space.share.media.access.AccessPolicy;
import space.share.media.access.Revocations;
import space.share.media.http.HttpLimits;
import space.share.media.ingest.rtmp.RtmpLimits;

/**
 * The media server's settings: {@code config/share-space.properties} (or {@code $SHARE_SPACE_CONFIG}), each key
 * overridable by an environment variable ({@code media.http.port} → {@code SHARE_SPACE_MEDIA_HTTP_PORT}).
 */
public record MediaConfig(
    String bindHost,
    int rtmpPort,
    int httpPort,
    String secret,
    Map<String, AccessPolicy.StaticStream> staticStreams,
    int viewerMaxQueueBytes,
    int partTargetMs,
    RtmpLimits rtmpLimits,
    HttpLimits httpLimits) {

  /** With the default RTMP and HTTP limits. */
  public MediaConfig(String bindHost, int rtmpPort, int httpPort, String secret,
      Map<String, AccessPolicy.StaticStream> staticStreams, int viewerMaxQueueBytes, int partTargetMs) {
    this(bindHost, rtmpPort, httpPort, secret, staticStreams, viewerMaxQueueBytes, partTargetMs, RtmpLimits.DEFAULTS,
        HttpLimits.DEFAULTS);
  }

  public static MediaConfig load(Map<String, String> env) throws IOException {
    Properties file = new Properties();
    Path path = Path.of(env.getOrDefault("SHARE_SPACE_CONFIG", "config/share-space.properties"));
    if (Files.exists(path)) {
      try (Reader reader = Files.newBufferedReader(path)) {
        file.load(reader);
      }
    }
    Map<String, String> merged = new HashMap<>();
    file.stringPropertyNames().forEach(key -> merged.put(key, file.getProperty(key).trim()));
    env.forEach((name, value) -> {
      if (name.startsWith("SHARE_SPACE_")) {
        merged.put(name.substring("SHARE_SPACE_".length()).toLowerCase(Locale.ROOT), value);
      }
    });
    return fromKeys(merged);
  }

  /** Env keys arrive as {@code media_http_port}: a key matches when it is equal after the same folding. */
  static MediaConfig fromKeys(Map<String, String> keys) {
    Map<String, String> folded = new HashMap<>();
    keys.forEach((key, value) -> folded.put(fold(key), value));
    Map<String, AccessPolicy.StaticStream> streams = new HashMap<>();
    folded.forEach((key, value) -> {
      // media.streams.<id>.key = <publish key>
      if (key.startsWith("media_streams_") && key.endsWith("_key")) {
        String id = key.substring("media_streams_".length(), key.length() - "_key".length());
        boolean open = Boolean.parseBoolean(folded.getOrDefault("media_streams_" + id + "_public", "false"));
        streams.put(id, new AccessPolicy.StaticStream(id, value, open));
      }
    });
    return new MediaConfig(
        folded.getOrDefault("media_bind_host", "0.0.0.0"),
        Integer.parseInt(folded.getOrDefault("media_rtmp_port", "1935")),
        Integer.parseInt(folded.getOrDefault("media_http_port", "8081")),
        folded.getOrDefault("secret", ""),
        streams,
        Integer.parseInt(folded.getOrDefault("media_viewer_max_queue_bytes", String.valueOf(4 * 1024 * 1024))),
        Integer.parseInt(folded.getOrDefault("media_hls_part_target_ms", "200")),
        rtmpLimits(folded),
        httpLimits(folded));
  }

  private static RtmpLimits rtmpLimits(Map<String, String> folded) {
    RtmpLimits d = RtmpLimits.DEFAULTS;
    return new RtmpLimits(
        intKey(folded, "media.rtmp.max-connections", d.maxConnections()),
        intKey(folded, "media.rtmp.max-connections-per-address", d.maxConnectionsPerAddress()),
        longKey(folded, "media.rtmp.connect-timeout-ms", d.connectTimeoutMs()),
        intKey(folded, "media.rtmp.max-chunk-bytes", d.maxChunkBytes()),
        intKey(folded, "media.rtmp.max-message-bytes", d.maxMessageBytes()),
        intKey(folded, "media.rtmp.max-message-bytes-before-publish", d.maxMessageBytesBeforePublish()),
        intKey(folded, "media.rtmp.max-chunk-streams", d.maxChunkStreams()),
        intKey(folded, "media.rtmp.max-partial-messages", d.maxPartialMessages()),
        longKey(folded, "media.rtmp.max-inactivity-ms", d.maxInactivityMs()));
  }

  private static HttpLimits httpLimits(Map<String, String> folded) {
    HttpLimits d = HttpLimits.DEFAULTS;
    return new HttpLimits(
        intKey(folded, "media.http.max-connections", d.maxConnections()),
        longKey(folded, "media.http.idle-timeout-ms", d.idleTimeoutMs()),
        intKey(folded, "media.http.max-request-header-bytes", d.maxRequestHeaderBytes()));
  }

  private static int intKey(Map<String, String> folded, String key, int defaultValue) {
    return Integer.parseInt(folded.getOrDefault(fold(key), String.valueOf(defaultValue)));
  }

  private static long longKey(Map<String, String> folded, String key, long defaultValue) {
    return Long.parseLong(folded.getOrDefault(fold(key), String.valueOf(defaultValue)));
  }

  public AccessPolicy accessPolicy(Clock clock) {
    return new AccessPolicy(secret, staticStreams, clock);
  }

  public AccessPolicy accessPolicy(Clock clock, Revocations revocations) {
    return new AccessPolicy(secret, staticStreams, clock, revocations);
  }

  private static String fold(String key) {
    return key.toLowerCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
