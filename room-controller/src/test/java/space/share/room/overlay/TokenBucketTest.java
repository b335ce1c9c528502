package space.share.room.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
  @Test
  void tryTake_burstThenSustainedRate() {
    TokenBucket bucket = new TokenBucket(/* ratePerSecond= */ 60, /* burst= */ 10);
    int taken = 0;
    for (int i = 0; i < 100; i++) {
      taken += bucket.tryTake(1000) ? 1 : 0;
    }
    assertEquals(10, taken, "the burst at one instant");
    taken = 0;
    for (long ms = 1001; ms <= 2000; ms++) { // a 1 kHz sender for one second
      taken += bucket.tryTake(ms) ? 1 : 0;
    }
    assertTrue(taken >= 59 && taken <= 61, "about 60 a second: " + taken);
  }

  @Test
  void tryTake_idleLong_refillsOnlyToBurst() {
    TokenBucket bucket = new TokenBucket(20, 2);
    assertTrue(bucket.tryTake(0));
    assertTrue(bucket.tryTake(0));
    assertFalse(bucket.tryTake(0));
    int taken = 0;
    for (int i = 0; i < 10; i++) {
      taken += bucket.tryTake(3_600_000) ? 1 : 0;
    }
    assertEquals(2, taken);
  }
}
