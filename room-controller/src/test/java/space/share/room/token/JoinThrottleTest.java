package space.share.room.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import space.share.room.FakeClock;

class JoinThrottleTest {
  private final FakeClock clock = new FakeClock(0);
  private final JoinThrottle throttle = new JoinThrottle(clock, 3, 5, 60_000);

  @Test
  void retryAfter_belowClientLimit_zero() {
    throttle.recordFailure("10.0.0.1", "room1");
    throttle.recordFailure("10.0.0.1", "room1");
    assertEquals(0, throttle.retryAfterSeconds("10.0.0.1", "room1"));
  }

  @Test
  void retryAfter_clientLimitReached_waitsUntilOldestFailureLeavesWindow() {
    for (int i = 0; i < 3; i++) {
      throttle.recordFailure("10.0.0.1", "room1");
      clock.advanceMs(1000);
    }
    assertEquals(57, throttle.retryAfterSeconds("10.0.0.1", "room1"));
    assertEquals(0, throttle.retryAfterSeconds("10.0.0.2", "room1"), "another client is not affected");
    clock.advanceMs(57_000);
    assertEquals(0, throttle.retryAfterSeconds("10.0.0.1", "room1"));
  }

  @Test
  void retryAfter_roomLimitReachedFromManyClients_throttlesEveryClientOfThatRoom() {
    for (int i = 0; i < 5; i++) {
      throttle.recordFailure("10.0.0." + i, "room1");
    }
    assertTrue(throttle.retryAfterSeconds("10.0.0.99", "room1") > 0);
    assertEquals(0, throttle.retryAfterSeconds("10.0.0.99", "room2"));
  }
}
