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
 * come from config. Thread-safe and immutable.
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
    UNKNOWN_STREAM
  }

  private final byte[] secret;
  private final Map<String, StaticStream> staticById;
  private final Clock clock;

  /** @param secret the shared HMAC key; empty disables room keys and tokens (static streams only) */
  public AccessPolicy(String secret, Map<String, StaticStream> staticStreams, Clock clock) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.staticById = Map.copyOf(staticStreams);
    this.clock = clock;
  }

  /** The stream a publishing key opens, or empty when the key is unknown. */
  public Optional<String> streamIdForKey(String key) {
    for (StaticStream stream : staticById.values()) {
      if (constantTimeEquals(stream.key(), key)) {
        return Optional.of(stream.streamId());
      }
    }
    // r.<roomId>.<sig>
    String[] parts = key.split("\\.", -1);
    if (parts.length == 3 && parts[0].equals("r") && ROOM_ID.matcher(parts[1]).matches() && secret.length > 0
        && constantTimeEquals(sign("publish|" + parts[1]), parts[2])) {
      return Optional.of(parts[1]);
    }
    return Optional.empty();
  }

  /** Whether {@code token} (may be null) lets its holder watch {@code streamId}. */
  public ViewDecision canView(String streamId, String token) {
    StaticStream configured = staticById.get(streamId);
    if (configured != null && configured.open()) {
      return ViewDecision.ALLOWED;
    }
    boolean isRoom = configured == null && ROOM_ID.matcher(streamId).matches() && secret.length > 0;
    if (configured == null && !isRoom) {
      return ViewDecision.UNKNOWN_STREAM;
    }
    return token != null && tokenAllows(streamId, token) ? ViewDecision.ALLOWED : ViewDecision.FORBIDDEN;
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
