package space.share.room.token;

import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Room passcodes hashed with bcrypt from BouncyCastle ({@link OpenBSDBCrypt}).
 *
 * <p>Why bcrypt from BouncyCastle: it is a slow, salted, tunable password hash with a self-describing
 * string format ({@code $2y$12$...}) that stores cost and salt with the hash, so raising the cost later
 * needs no schema change; BouncyCastle is already in the build (bcprov-jdk18on, maintained, audited)
 * and its {@code checkPassword} compares in constant time. Argon2 is also in BouncyCastle but only as
 * a raw generator: we would have to invent the storage format. bcrypt reads at most 72 bytes, far
 * above our passcode limit. Thread-safe. Not final only so tests can count and hold checks.
 */
public class PasscodeHasher {
  /** Longest passcode accepted (characters); well under bcrypt's 72-byte input. */
  public static final int MAX_PASSCODE_CHARS = 64;

  private final int cost;
  private final SecureRandom random = new SecureRandom();

  /** @param cost bcrypt log2 rounds, 4..31; 12 takes ~0.2 s on one core here, tests use 4. */
  public PasscodeHasher(int cost) {
    if (cost < 4 || cost > 31) {
      throw new IllegalArgumentException("bcrypt cost must be 4..31: " + cost);
    }
    this.cost = cost;
  }

  public String hash(String passcode) {
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    return OpenBSDBCrypt.generate("2y", passcode.toCharArray(), salt, cost);
  }

  public boolean matches(String storedHash, String passcode) {
    if (passcode == null || passcode.isEmpty() || passcode.length() > MAX_PASSCODE_CHARS) {
      return false;
    }
    try {
      return OpenBSDBCrypt.checkPassword(storedHash, passcode.toCharArray());
    } catch (IllegalArgumentException e) {
      return false; // a corrupt stored hash never matches
    }
  }
}
