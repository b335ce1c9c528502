package space.share.room.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Opaque random tokens: member session tokens (bearer for the API and the event socket), member ids,
 * generated passcodes. Only the SHA-256 of a session token is stored, so a copy of the database does
 * not let anyone act as a member. Thread-safe.
 */
public final class SessionTokens {
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  /** No 0/O/1/l/I: passcodes are read aloud and typed. */
  private static final char[] PASSCODE_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

  private final SecureRandom random = new SecureRandom();

  /** 256 random bits, base64url: a bearer token. */
  public String newToken() {
    return randomBase64(32);
  }

  /** 96 random bits, base64url (matches protocol.md's member id pattern). */
  public String newMemberId() {
    return randomBase64(12);
  }

  /** A passcode of {@code lengthChars} from a 32-letter alphabet (5 bits each). */
  public String newPasscode(int lengthChars) {
    char[] out = new char[lengthChars];
    for (int i = 0; i < lengthChars; i++) {
      out[i] = PASSCODE_ALPHABET[random.nextInt(PASSCODE_ALPHABET.length)];
    }
    return new String(out);
  }

  private String randomBase64(int bytes) {
    byte[] buffer = new byte[bytes];
    random.nextBytes(buffer);
    return BASE64URL.encodeToString(buffer);
  }

  /** Hex SHA-256 of a token: what the store keeps and looks up. */
  public static String hash(String token) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** Constant-time comparison of two secrets of any length (compares their digests). */
  public static boolean secretEquals(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return MessageDigest.isEqual(hash(a).getBytes(StandardCharsets.US_ASCII), hash(b).getBytes(StandardCharsets.US_ASCII));
  }
}
