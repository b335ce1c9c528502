package space.share.room.token;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stream keys and member media tokens, exactly as docs/protocol.md defines them, signed with
 * HMAC-SHA256 under the shared {@code secret} (its UTF-8 bytes are the key) so the media server can
 * verify them without calling the controller.
 *
 * <pre>
 *   stream key   r.{roomId}.{base64url(HMAC(secret, "publish|" + roomId))}
 *   media token  m1.{roomId}.{memberId}.{expiresEpochSeconds}.{base64url(HMAC(secret, "media|" + roomId + "|" + memberId + "|" + expiresEpochSeconds))}
 * </pre>
 *
 * base64url without padding. Thread-safe: a {@link Mac} is made per call (cheap next to the network).
 */
public final class TokenSigner {
  /** Room ids: protocol.md. */
  public static final Pattern ROOM_ID = Pattern.compile("[a-z0-9-]{1,64}");
  /** Member ids: protocol.md. */
  public static final Pattern MEMBER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final SecretKeySpec key;

  public TokenSigner(String secret) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("secret is empty: set `secret` in the config or SHARE_SPACE_SECRET");
    }
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  /** The RTMP stream key that lets a publisher feed room {@code roomId}. */
  public String streamKey(String roomId) {
    requireRoomId(roomId);
    return "r." + roomId + "." + sign("publish|" + roomId);
  }

  /**
   * The {@code X-Share-Space-Signature} of a {@code POST /internal/revocations} body: HMAC over {@code "revoke|"} and
   * the exact body bytes (docs/protocol.md "Revoking media tokens").
   */
  public String revocationSignature(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update("revoke|".getBytes(StandardCharsets.UTF_8));
      return BASE64URL.encodeToString(mac.doFinal(body));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** A token for the media server's feed and LL-HLS of room {@code roomId}. */
  public String mediaToken(String roomId, String memberId, long expiresEpochSeconds) {
    requireRoomId(roomId);
    if (!MEMBER_ID.matcher(memberId).matches()) {
      throw new IllegalArgumentException("member id does not match " + MEMBER_ID + ": " + memberId);
    }
    if (expiresEpochSeconds < 0) {
      throw new IllegalArgumentException("negative expiry: " + expiresEpochSeconds);
    }
    return "m1." + roomId + "." + memberId + "." + expiresEpochSeconds + "."
        + sign("media|" + roomId + "|" + memberId + "|" + expiresEpochSeconds);
  }

  /** The verifier the media server needs, kept here as the reference and for tests. */
  public boolean verifyStreamKey(String key, String roomId) {
    if (key == null || !ROOM_ID.matcher(roomId).matches()) {
      return false;
    }
    return constantTimeEquals(streamKey(roomId), key);
  }

  /** The member id of a valid, unexpired media token for {@code roomId}, else empty. */
  public Optional<String> verifyMediaToken(String token, String roomId, long nowEpochSeconds) {
    if (token == null) {
      return Optional.empty();
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 5 || !parts[0].equals("m1") || !parts[1].equals(roomId)
        || !ROOM_ID.matcher(parts[1]).matches() || !MEMBER_ID.matcher(parts[2]).matches()
        || !parts[3].matches("[0-9]{1,18}")) {
      return Optional.empty();
    }
    long expires = Long.parseLong(parts[3]);
    String expected = sign("media|" + parts[1] + "|" + parts[2] + "|" + parts[3]);
    if (!constantTimeEquals(expected, parts[4]) || expires <= nowEpochSeconds) {
      return Optional.empty();
    }
    return Optional.of(parts[2]);
  }

  private String sign(String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return BASE64URL.encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java 17 runtime", e);
    }
  }

  private static void requireRoomId(String roomId) {
    if (roomId == null || !ROOM_ID.matcher(roomId).matches()) {
      throw new IllegalArgumentException("room id does not match " + ROOM_ID + ": " + roomId);
    }
  }

  static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
