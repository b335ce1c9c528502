package space.share.room.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void delayAfterExitMs_quickExits_doublesUpToMax() {
    Backoff backoff = new Backoff(1000, 30_000, 30_000);
    long[] expected = {1000, 2000, 4000, 8000, 16_000, 30_000, 30_000};
    for (long e : expected) {
      assertEquals(e, backoff.delayAfterExitMs(10));
    }
  }

  @Test
  void delayAfterExitMs_upLongEnough_resetsToInitial() {
    Backoff backoff = new Backoff(1000, 30_000, 30_000);
    backoff.delayAfterExitMs(0);
    backoff.delayAfterExitMs(0);
    assertEquals(4000, backoff.delayAfterExitMs(29_999));
    assertEquals(1000, backoff.delayAfterExitMs(30_000));
    assertEquals(2000, backoff.delayAfterExitMs(0));
  }

  @Test
  void constructor_badBounds_throws() {
    assertThrows(IllegalArgumentException.class, () -> new Backoff(0, 10, 10));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(20, 10, 10));
  }
}
