package space.share.media.access;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may publish and who may watch, decided without calling the room controller: stream keys and member tokens
 * are HMAC-SHA256 signed with the secret both servers share (formats in docs/protocol.md). Static relay streams
 * come from config. A token the room controller has revoked since ({@link Revocations}) is refused like a bad one.
 *
 * <p>Relay ids and room ids are two separate spaces: a configured relay id is never a room's stream, so neither a
 * room stream key nor a member token opens it, and its relay key opens nothing else. A room stream may also have a
 * fixed publish key from config (docker-compose's desktop); it stays a room stream (member tokens, revocations).
 *
 * <p>Thread-safe; immutable apart from the shared revocation registry.
 */
public final class AccessPolicy {
  private static final Pattern ROOM_ID = Pattern.compile("[a-z0-9-]{1,64}");
  private static final Pattern MEMBER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  /** A stream configured by hand (an OBS or ffmpeg relay), not a room. */
  public record StaticStream(String streamId, String key, boolean open) {}

  /** The outcome of a view request. */
  public enum ViewDecision {
    ALLOWED,
    FORBIDDEN,
    /** A valid member token the room controller has revoked (the member left, the room was deleted): 403 / 4403. */
    REVOKED,
    UNKNOWN_STREAM
  }

  private final byte[] secret;
  private final Map<String, StaticStream> staticById;
  private final Map<String, String> roomPublishKeys;
  private final Clock clock;
  private final Revocations revocations;

  /** @param secret the shared HMAC key; empty disables room keys and tokens (static streams only) */
  public AccessPolicy(String secret, Map<String, StaticStream> staticStreams, Clock clock) {
    this(secret, staticStreams, clock, new Revocations(clock));
  }

  /** @param revocations member tokens withdrawn before their expiry; consulted on every view request */
  public AccessPolicy(String secret, Map<String, StaticStream> staticStreams, Clock clock, Revocations revocations) {
    this(secret, staticStreams, Map.of(), clock, revocations);
  }

  /** @param roomPublishKeys fixed publish keys of room streams, by room id (never a relay id) */
  public AccessPolicy(String secret, Map<String, StaticStream> staticStreams, Map<String, String> roomPublishKeys,
      Clock clock, Revocations revocations) {
    for (String roomId : roomPublishKeys.keySet()) {
      if (staticStreams.containsKey(roomId) || !ROOM_ID.matcher(roomId).matches()) {
        throw new IllegalArgumentException("room publish key for '" + roomId + "': not a room id, or a relay's id");
      }
    }
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.staticById = Map.copyOf(staticStreams);
    this.roomPublishKeys = Map.copyOf(roomPublishKeys);
    this.clock = clock;
    this.revocations = revocations;
  }

  public Revocations revocations() {
    return revocations;
  }

  /**
   * The member a token names ({@code m1.<roomId>.<memberId>...}), or null for a missing or malformed one. Only the
   * shape is read: call it for a token {@link #canView} accepted.
   */
  public static String memberIdOf(String token) {
    if (token == null) {
      return null;
    }
    String[] parts = token.split("\\.", -1);
    return parts.length == 5 && parts[0].equals("m1") && MEMBER_ID.matcher(parts[2]).matches() ? parts[2] : null;
  }

  /**
   * When a member token ({@code m1.<roomId>.<memberId>.<expiresEpochSeconds>.<sig>}) expires, in epoch seconds;
   * {@link Long#MAX_VALUE} for a missing or malformed one (an open stream's viewer has nothing that expires). Only the
   * shape is read: call it for a token {@link #canView} accepted.
   */
  public static long expiresEpochSecondsOf(String token) {
    if (token == null) {
      return Long.MAX_VALUE;
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 5 || !parts[0].equals("m1")) {
      return Long.MAX_VALUE;
    }
    try {
      return Long.parseLong(parts[3]);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  /** Whether {@code streamId} is a room's stream (not a configured static one): the only kind revocations name. */
  public boolean isRoomStream(String streamId) {
    return !staticById.containsKey(streamId) && ROOM_ID.matcher(streamId).matches() && secret.length > 0;
  }

  /** The stream a publishing key opens, or empty when the key is unknown. */
  public Optional<String> streamIdForKey(String key) {
    for (StaticStream stream : staticById.values()) {
      if (constantTimeEquals(stream.key(), key)) {
        return Optional.of(stream.streamId());
      }
    }
    for (Map.Entry<String, String> room : roomPublishKeys.entrySet()) {
      if (constantTimeEquals(room.getValue(), key)) {
        return Optional.of(room.getKey());
      }
    }
    // r.<roomId>.<sig>: never for a relay's id
    String[] parts = key.split("\\.", -1);
    if (parts.length == 3 && parts[0].equals("r") && isRoomStream(parts[1])
        && constantTimeEquals(sign("publish|" + parts[1]), parts[2])) {
      return Optional.of(parts[1]);
    }
    return Optional.empty();
  }

  /** Whether {@code token} (may be null) lets its holder watch {@code streamId}. */
  public ViewDecision canView(String streamId, String token) {
    StaticStream configured = staticById.get(streamId);
    if (configured != null) {
      // A relay is public or publish-only: member tokens are for rooms, and no room has a relay's id.
      return configured.open() ? ViewDecision.ALLOWED : ViewDecision.FORBIDDEN;
    }
    if (!isRoomStream(streamId)) {
      return ViewDecision.UNKNOWN_STREAM;
    }
    if (token == null || !tokenAllows(streamId, token)) {
      return ViewDecision.FORBIDDEN;
    }
    return revocations.isRevoked(streamId, memberIdOf(token)) ? ViewDecision.REVOKED : ViewDecision.ALLOWED;
  }

  // m1.<roomId>.<memberId>.<expiresEpochSeconds>.<sig>
  private boolean tokenAllows(String streamId, String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 5 || !parts[0].equals("m1") || !parts[1].equals(streamId)
        || !MEMBER_ID.matcher(parts[2]).matches() || secret.length == 0) {
      return false;
    }
    long expiresEpochSeconds;
    try {
      expiresEpochSeconds = Long.parseLong(parts[3]);
    } catch (NumberFormatException e) {
      return false;
    }
    boolean signed = constantTimeEquals(sign("media|" + parts[1] + "|" + parts[2] + "|" + parts[3]), parts[4]);
    return signed && clock.instant().getEpochSecond() < expiresEpochSeconds;
  }

  String sign(String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return BASE64URL.encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static boolean constantTimeEquals(String expected, String given) {
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }
}
