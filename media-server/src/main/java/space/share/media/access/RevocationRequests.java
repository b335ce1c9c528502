package space.share.media.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a {@code POST /internal/revocations} request from the room controller (docs/protocol.md "Revoking media
 * tokens"): the header {@value #SIGNATURE_HEADER} carries {@code base64url(HMAC-SHA256(secret, "revoke|" + body))}
 * over the exact body bytes, and the body's {@code issuedAt} lies within {@value #MAX_SKEW_SECONDS} s of now, which
 * bounds how long a captured request can be replayed (replaying it only repeats an idempotent revocation).
 *
 * <p>The {@code "revoke|"} prefix keeps this signature apart from stream keys ({@code "publish|"}) and member tokens
 * ({@code "media|"}): nothing a member holds can sign a revocation. Thread-safe and immutable.
 */
public final class RevocationRequests {
  public static final String SIGNATURE_HEADER = "X-Share-Space-Signature";
  public static final long MAX_SKEW_SECONDS = 300;
  /** The longest a revocation may be kept: far above any media token lifetime the controller issues. */
  public static final long MAX_UNTIL_AHEAD_SECONDS = 7 * 24 * 3600;
  public static final int MAX_BODY_BYTES = 4096;

  private static final Pattern ROOM_ID = Pattern.compile("[a-z0-9-]{1,64}");
  private static final Pattern MEMBER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A verified revocation: {@code memberId} null revokes the whole room. */
  public record Revocation(String roomId, String memberId, long untilEpochSeconds) {}

  /** Why a request was refused: {@code forbidden} (bad or stale signature, 403) or malformed (400). */
  public static final class Rejected extends Exception {
    private final boolean forbidden;

    private Rejected(boolean forbidden, String message) {
      super(message);
      this.forbidden = forbidden;
    }

    static Rejected forbidden(String message) {
      return new Rejected(true, message);
    }

    static Rejected malformed(String message) {
      return new Rejected(false, message);
    }

    public boolean forbidden() {
      return forbidden;
    }
  }

  private final byte[] secret;
  private final Clock clock;

  /** @param secret the shared HMAC key; empty refuses every request */
  public RevocationRequests(String secret, Clock clock) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.clock = clock;
  }

  /** The header value for {@code body}: what the controller sends (and tests). */
  public static String sign(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update("revoke|".getBytes(StandardCharsets.UTF_8));
      return BASE64URL.encodeToString(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /**
   * The revocation {@code body} asks for, once its signature and timestamp check out. The signature is checked
   * first, over the raw bytes, so nothing unauthenticated is parsed.
   */
  public Revocation verify(byte[] body, String signature) throws Rejected {
    if (secret.length == 0) {
      throw Rejected.forbidden("no shared secret configured: revocations are disabled");
    }
    if (signature == null || signature.isEmpty()) {
      throw Rejected.forbidden("missing " + SIGNATURE_HEADER + " header");
    }
    String expected = sign(new String(secret, StandardCharsets.UTF_8), body);
    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), signature.getBytes(StandardCharsets.UTF_8))) {
      throw Rejected.forbidden("bad signature");
    }
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (IOException e) {
      throw Rejected.malformed("body is not JSON");
    }
    if (json == null || !json.isObject()) {
      throw Rejected.malformed("body must be a JSON object");
    }
    long nowSeconds = clock.instant().getEpochSecond();
    JsonNode issuedAt = json.get("issuedAt");
    if (issuedAt == null || !issuedAt.isIntegralNumber() || !issuedAt.canConvertToLong()) {
      throw Rejected.malformed("issuedAt (epoch seconds) is required");
    }
    if (Math.abs(nowSeconds - issuedAt.asLong()) > MAX_SKEW_SECONDS) {
      throw Rejected.forbidden("stale request: issuedAt " + issuedAt.asLong() + " is more than " + MAX_SKEW_SECONDS
          + " s from now (" + nowSeconds + ")");
    }
    String roomId = json.path("roomId").isTextual() ? json.get("roomId").asText() : null;
    if (roomId == null || !ROOM_ID.matcher(roomId).matches()) {
      throw Rejected.malformed("roomId must match " + ROOM_ID.pattern());
    }
    JsonNode member = json.get("memberId");
    String memberId = null;
    if (member != null && !member.isNull()) {
      if (!member.isTextual() || !MEMBER_ID.matcher(member.asText()).matches()) {
        throw Rejected.malformed("memberId must be null or match " + MEMBER_ID.pattern());
      }
      memberId = member.asText();
    }
    JsonNode until = json.get("until");
    if (until == null || !until.isIntegralNumber() || !until.canConvertToLong()) {
      throw Rejected.malformed("until (epoch seconds) is required");
    }
    if (until.asLong() > nowSeconds + MAX_UNTIL_AHEAD_SECONDS) {
      throw Rejected.malformed("until is more than " + MAX_UNTIL_AHEAD_SECONDS + " s ahead");
    }
    return new Revocation(roomId, memberId, until.asLong());
  }
}
