package space.share.media.ingest.rtmp;

/**
 * What one RTMP peer can make the server hold. Red5 1.3.17 allocates a message's full claimed length (up to 16 MiB)
 * at its first chunk, keeps state for every chunk stream id it sees, and accepts any chunk size: these bounds are
 * checked by {@link RtmpGuard} before a byte reaches Red5.
 *
 * @param maxConnections RTMP connections open at once, all peers together
 * @param maxConnectionsPerAddress RTMP connections open at once from one remote address
 * @param connectTimeoutMs the handshake and a {@code connect} to {@code live} must be done within this
 * @param maxChunkBytes largest chunk size a peer may set (Set Chunk Size, RTMP 5.4.1); ffmpeg and OBS send 4096
 * @param maxMessageBytes largest message once the peer is publishing with a valid stream key (a keyframe)
 * @param maxMessageBytesBeforePublish largest message before that (connect, createStream, publish are a few hundred
 *     bytes); also the most bytes held back from Red5 until the {@code connect} is checked
 * @param maxChunkStreams distinct chunk stream ids one connection may use (ffmpeg uses 5)
 * @param maxPartialMessages messages one connection may have started and not finished at once (audio + video +
 *     commands interleave: 3 in practice)
 * @param maxInactivityMs Red5 closes a connected peer that sent nothing (not even a ping reply) for this long
 */
public record RtmpLimits(
    int maxConnections,
    int maxConnectionsPerAddress,
    long connectTimeoutMs,
    int maxChunkBytes,
    int maxMessageBytes,
    int maxMessageBytesBeforePublish,
    int maxChunkStreams,
    int maxPartialMessages,
    long maxInactivityMs) {

  /** The RTMP chunk format cannot express more: a 3-byte message length (RTMP 5.3.1.2.1). */
  static final int MESSAGE_LENGTH_FIELD_MAX = 0xFFFFFF;

  public static final RtmpLimits DEFAULTS = new RtmpLimits(
      /* maxConnections= */ 256,
      /* maxConnectionsPerAddress= */ 16,
      /* connectTimeoutMs= */ 5_000,
      /* maxChunkBytes= */ 64 * 1024,
      /* maxMessageBytes= */ 8 * 1024 * 1024,
      /* maxMessageBytesBeforePublish= */ 64 * 1024,
      /* maxChunkStreams= */ 32,
      /* maxPartialMessages= */ 8,
      /* maxInactivityMs= */ 60_000);

  public RtmpLimits {
    require(maxConnections >= 1, "maxConnections must be at least 1");
    require(maxConnectionsPerAddress >= 1, "maxConnectionsPerAddress must be at least 1");
    require(connectTimeoutMs >= 1, "connectTimeoutMs must be positive");
    require(maxChunkBytes >= 128, "maxChunkBytes must be at least 128, RTMP's initial chunk size");
    require(maxMessageBytes >= 1 && maxMessageBytes <= MESSAGE_LENGTH_FIELD_MAX,
        "maxMessageBytes must be 1.." + MESSAGE_LENGTH_FIELD_MAX);
    require(maxMessageBytesBeforePublish >= 1024 && maxMessageBytesBeforePublish <= maxMessageBytes,
        "maxMessageBytesBeforePublish must be 1024..maxMessageBytes");
    require(maxChunkStreams >= 2 && maxChunkStreams <= 65_599, "maxChunkStreams must be 2..65599");
    require(maxPartialMessages >= 1, "maxPartialMessages must be at least 1");
    require(maxInactivityMs >= 1_000, "maxInactivityMs must be at least 1000");
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException("RTMP limits: " + message);
    }
  }
}
