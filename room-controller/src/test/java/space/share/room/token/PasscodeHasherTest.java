package space.share.room.token;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasscodeHasherTest {
  private final PasscodeHasher hasher = new PasscodeHasher(4);

  @Test
  void matches_rightPasscode_trueWrongFalse() {
    String hash = hasher.hash("open sesame");
    assertTrue(hash.startsWith("$2y$04$"));
    assertTrue(hasher.matches(hash, "open sesame"));
    assertFalse(hasher.matches(hash, "open sesame!"));
    assertFalse(hasher.matches(hash, ""));
    assertFalse(hasher.matches(hash, null));
  }

  @Test
  void hash_samePasscodeTwice_differentSalts() {
    assertNotEquals(hasher.hash("abcd"), hasher.hash("abcd"));
  }

  @Test
  void matches_corruptStoredHash_false() {
    assertFalse(hasher.matches("not-a-bcrypt-hash", "abcd"));
  }
}
