package space.share.media;

import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.media.access.AccessPolicy;
import space.share.media.access.Revocations;
import space.share.settings.HttpLimits;
import space.share.media.ingest.rtmp.RtmpLimits;
import space.share.media.stream.LiveStream;
import space.share.settings.ScrapeToken;
import space.share.settings.Secrets;
import space.share.settings.Settings;

/**
 * The media server's settings, read through the shared {@link Settings} ({@code config/share-space.properties}, the
 * environment winning: {@code media.http.port} → {@code SHARE_SPACE_MEDIA_HTTP_PORT}). {@link #from} applies the
 * secret rule ({@link Secrets}) to the shared secret and every publish key.
 *
 * @param staticStreams relay streams by id ({@code media.streams.<id>.key}, {@code .public})
 * @param roomPublishKeys fixed publish keys of room streams by room id ({@code media.room-keys.<roomId>})
 * @param metricsToken the bearer token {@code GET /metrics} needs ({@code metrics.token}; empty: no metrics)
 */
public record MediaConfig(
    String bindHost,
    int rtmpPort,
    int httpPort,
    String secret,
    Map<String, AccessPolicy.StaticStream> staticStreams,
    Map<String, String> roomPublishKeys,
    int viewerMaxQueueBytes,
    int gopCacheMaxBytes,
    int partTargetMs,
    RtmpLimits rtmpLimits,
    HttpLimits httpLimits,
    ScrapeToken metricsToken) {
  private static final Logger log = LoggerFactory.getLogger(MediaConfig.class);
  private static final Pattern RELAY_ID = Pattern.compile("[a-z0-9_]{1,64}");
  private static final Pattern ROOM_ID = Pattern.compile("[a-z0-9-]{1,64}");

  public MediaConfig {
    staticStreams = Map.copyOf(staticStreams);
    roomPublishKeys = Map.copyOf(roomPublishKeys);
    // A viewer starts with the cached GOP in its queue, and the live fragments queue behind it while it goes out.
    if (gopCacheMaxBytes < 0 || gopCacheMaxBytes > viewerMaxQueueBytes / 2) {
      throw new IllegalArgumentException("media.gop-cache-max-bytes (" + gopCacheMaxBytes + ") must be between 0 and"
          + " half of media.viewer.max-queue-bytes (" + viewerMaxQueueBytes + ")");
    }
  }

  /** Tests and embedded servers: no fixed room publish keys, the default RTMP and HTTP limits. */
  public MediaConfig(String bindHost, int rtmpPort, int httpPort, String secret,
      Map<String, AccessPolicy.StaticStream> staticStreams, int viewerMaxQueueBytes, int partTargetMs) {
    this(bindHost, rtmpPort, httpPort, secret, staticStreams, Map.of(), viewerMaxQueueBytes, partTargetMs);
  }

  /** Tests: fixed room publish keys, the default RTMP and HTTP limits. */
  public MediaConfig(String bindHost, int rtmpPort, int httpPort, String secret,
      Map<String, AccessPolicy.StaticStream> staticStreams, Map<String, String> roomPublishKeys,
      int viewerMaxQueueBytes, int partTargetMs) {
    this(bindHost, rtmpPort, httpPort, secret, staticStreams, roomPublishKeys, viewerMaxQueueBytes,
        defaultGopCacheMaxBytes(viewerMaxQueueBytes), partTargetMs, RtmpLimits.DEFAULTS, HttpLimits.DEFAULTS,
        ScrapeToken.OFF);
  }

  /** Tests: no fixed room publish keys, the given limits, no metrics endpoint. */
  public MediaConfig(String bindHost, int rtmpPort, int httpPort, String secret,
      Map<String, AccessPolicy.StaticStream> staticStreams, int viewerMaxQueueBytes, int partTargetMs,
      RtmpLimits rtmpLimits, HttpLimits httpLimits) {
    this(bindHost, rtmpPort, httpPort, secret, staticStreams, Map.of(), viewerMaxQueueBytes,
        defaultGopCacheMaxBytes(viewerMaxQueueBytes), partTargetMs, rtmpLimits, httpLimits, ScrapeToken.OFF);
  }

  /** The default GOP cache bound, or half a smaller viewer queue (tests with tiny queues). */
  private static int defaultGopCacheMaxBytes(int viewerMaxQueueBytes) {
    return Math.min(LiveStream.DEFAULT_GOP_CACHE_MAX_BYTES, viewerMaxQueueBytes / 2);
  }

  public static MediaConfig load(Map<String, String> env) throws IOException {
    return from(Settings.load(env));
  }

  /**
   * @throws Secrets.RefusedSecretException for an empty, shipped or short secret or publish key outside dev-mode
   * @throws IllegalArgumentException for a malformed value, or a relay id that is also given a room key
   */
  public static MediaConfig from(Settings settings) {
    String secret = Secrets.require(settings, "secret", log::warn);
    Map<String, String> publicFlags = settings.group("media.streams.", ".public");
    Map<String, AccessPolicy.StaticStream> streams = new HashMap<>();
    settings.group("media.streams.", ".key").forEach((id, key) -> {
      if (!RELAY_ID.matcher(id).matches()) {
        throw new IllegalArgumentException("relay stream id '" + id + "' (media.streams." + id + ".key) must match "
            + RELAY_ID.pattern());
      }
      Secrets.check(settings, "media.streams." + id + ".key", key, log::warn);
      boolean open = settings.getBool("media.streams." + id + ".public", false);
      streams.put(id, new AccessPolicy.StaticStream(id, key, open));
    });
    publicFlags.keySet().stream().filter(id -> !streams.containsKey(id)).forEach(id ->
        log.warn("media.streams.{}.public is set but media.streams.{}.key is not: no such relay stream", id, id));
    Map<String, String> roomKeys = new HashMap<>();
    settings.group("media.room-keys.", "").forEach((roomId, key) -> {
      if (!ROOM_ID.matcher(roomId).matches() || streams.containsKey(roomId)) {
        throw new IllegalArgumentException("media.room-keys." + roomId + ": '" + roomId + "' is not a room id ("
            + ROOM_ID.pattern() + ", and not a relay stream id)");
      }
      Secrets.check(settings, "media.room-keys." + roomId, key, log::warn);
      roomKeys.put(roomId, key);
    });
    int viewerMaxQueueBytes = settings.getInt("media.viewer.max-queue-bytes", 4 * 1024 * 1024);
    return new MediaConfig(
        settings.get("media.bind-host", "0.0.0.0"),
        settings.getInt("media.rtmp.port", 1935),
        settings.getInt("media.http.port", 8081),
        secret,
        streams,
        roomKeys,
        viewerMaxQueueBytes,
        settings.getInt("media.gop-cache-max-bytes", defaultGopCacheMaxBytes(viewerMaxQueueBytes)),
        settings.getInt("media.hls.part-target-ms", 200),
        rtmpLimits(settings),
        HttpLimits.from(settings, "media.http."),
        ScrapeToken.from(settings, log::warn));
  }

  private static RtmpLimits rtmpLimits(Settings settings) {
    RtmpLimits d = RtmpLimits.DEFAULTS;
    return new RtmpLimits(
        settings.getInt("media.rtmp.max-connections", d.maxConnections()),
        settings.getInt("media.rtmp.max-connections-per-address", d.maxConnectionsPerAddress()),
        settings.getLong("media.rtmp.connect-timeout-ms", d.connectTimeoutMs()),
        settings.getInt("media.rtmp.max-chunk-bytes", d.maxChunkBytes()),
        settings.getInt("media.rtmp.max-message-bytes", d.maxMessageBytes()),
        settings.getInt("media.rtmp.max-message-bytes-before-publish", d.maxMessageBytesBeforePublish()),
        settings.getInt("media.rtmp.max-chunk-streams", d.maxChunkStreams()),
        settings.getInt("media.rtmp.max-partial-messages", d.maxPartialMessages()),
        settings.getLong("media.rtmp.max-inactivity-ms", d.maxInactivityMs()));
  }


  public AccessPolicy accessPolicy(Clock clock) {
    return accessPolicy(clock, new Revocations(clock));
  }

  public AccessPolicy accessPolicy(Clock clock, Revocations revocations) {
    return new AccessPolicy(secret, staticStreams, roomPublishKeys, clock, revocations);
  }
}
