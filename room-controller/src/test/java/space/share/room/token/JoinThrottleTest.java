package space.share.room.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import space.share.room.FakeClock;

class JoinThrottleTest {
  private final FakeClock clock = new FakeClock(0);
  /** 3 per address, room backs off from 5, grace 2, one slow attempt per second, 1000 addresses tracked. */
  private final JoinThrottle throttle = new JoinThrottle(clock, 3, 5, 60_000, 2, 1000, 1000);

  private void fail(String client, String room) {
    JoinThrottle.Reservation attempt = throttle.tryReserve(client, room);
    assertTrue(attempt.admitted(), client + " should have been admitted");
    attempt.failed();
    attempt.close();
  }

  @Test
  void tryReserve_belowClientLimit_admitted() {
    fail("10.0.0.1", "room1");
    fail("10.0.0.1", "room1");
    assertTrue(throttle.tryReserve("10.0.0.1", "room1").admitted());
  }

  @Test
  void tryReserve_clientLimitReached_refusedUntilOldestFailureLeavesWindow() {
    for (int i = 0; i < 3; i++) {
      fail("10.0.0.1", "room1");
      clock.advanceMs(1000);
    }
    JoinThrottle.Reservation refused = throttle.tryReserve("10.0.0.1", "room1");
    assertFalse(refused.admitted());
    assertEquals(JoinThrottle.Refusal.CLIENT, refused.refusal());
    assertEquals(57, refused.retryAfterSeconds());
    assertTrue(throttle.tryReserve("10.0.0.2", "room1").admitted(), "another client is not affected");
    clock.advanceMs(57_000);
    assertTrue(throttle.tryReserve("10.0.0.1", "room1").admitted());
  }

  @Test
  void tryReserve_rightPasscodes_takenBackAndNeverThrottle() {
    for (int i = 0; i < 10; i++) {
      try (JoinThrottle.Reservation attempt = throttle.tryReserve("10.0.0.1", "room1")) {
        assertTrue(attempt.admitted(), "attempt " + i);
      } // closed without failed(): a right passcode
    }
  }

  @Test
  void tryReserve_attemptInFlight_countsBeforeItIsDecided() {
    JoinThrottle.Reservation first = throttle.tryReserve("10.0.0.1", "room1");
    JoinThrottle.Reservation second = throttle.tryReserve("10.0.0.1", "room1");
    JoinThrottle.Reservation third = throttle.tryReserve("10.0.0.1", "room1");
    assertTrue(first.admitted() && second.admitted() && third.admitted());
    assertFalse(throttle.tryReserve("10.0.0.1", "room1").admitted(), "three checks in flight use up the limit");
    first.close(); // right: taken back
    assertTrue(throttle.tryReserve("10.0.0.1", "room1").admitted());
  }

  @Test
  void tryReserve_concurrentBurstOfWrongPasscodes_atMostTheLimitAdmitted() throws Exception {
    int threads = 32;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> {
          start.await();
          JoinThrottle.Reservation attempt = throttle.tryReserve("10.0.0.1", "room1");
          if (attempt.admitted()) {
            attempt.failed();
          }
          return attempt.admitted();
        }));
      }
      start.countDown();
      int admitted = 0;
      for (Future<Boolean> result : results) {
        admitted += result.get(10, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertEquals(3, admitted);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void tryReserve_roomGuessedFromManyAddresses_freshAddressNeverSlowed() {
    for (int i = 0; i < 200; i++) {
      fail("10.1." + (i / 256) + "." + (i % 256), "room1");
    }
    for (int i = 0; i < 20; i++) {
      try (JoinThrottle.Reservation member = throttle.tryReserve("192.168.7." + i, "room1")) {
        assertTrue(member.admitted(), "an address with no failure is not held back by the others' guesses");
      }
    }
    assertTrue(throttle.tryReserve("10.9.9.9", "room2").admitted(), "another room is not affected");
  }

  @Test
  void tryReserve_roomBackingOff_addressWithFailuresGetsASlotWithinTheInterval() {
    for (int i = 0; i < 5; i++) {
      fail("10.1.0." + i, "room1");
    }
    fail("10.2.0.1", "room1");
    fail("10.2.0.1", "room1"); // the member mistyped twice: no longer exempt
    fail("10.2.0.2", "room1");
    fail("10.2.0.2", "room1");
    clock.advanceMs(1);
    fail("10.2.0.2", "room1"); // an attacker's address, past its grace, takes the room's slow slot
    JoinThrottle.Reservation member = throttle.tryReserve("10.2.0.1", "room1");
    assertFalse(member.admitted());
    assertEquals(JoinThrottle.Refusal.ROOM_BACKOFF, member.refusal());
    assertEquals(1, member.retryAfterSeconds(), "slowed, never blocked: the next slot is within a second");
    clock.advanceMs(1000);
    assertTrue(throttle.tryReserve("10.2.0.1", "room1").admitted());
  }

  @Test
  void tryReserve_manyAddresses_trackedAddressesBounded() {
    JoinThrottle small = new JoinThrottle(clock, 3, 5, 60_000, 2, 1000, /* maxTrackedKeys= */ 100);
    for (int i = 0; i < 5000; i++) {
      JoinThrottle.Reservation attempt = small.tryReserve("10." + (i / 65536) + "." + (i / 256 % 256) + "." + (i % 256),
          "room-" + i);
      attempt.failed();
    }
    assertEquals(100, small.trackedClients());
    assertEquals(100, small.trackedRooms());
  }

  @Test
  void tryReserve_windowPassed_staleAddressesSwept() {
    for (int i = 0; i < 50; i++) {
      fail("10.0.0." + i, "room1");
    }
    clock.advanceMs(60_001);
    throttle.tryReserve("10.0.1.1", "room1").close();
    assertEquals(1, throttle.trackedClients());
  }

  @ParameterizedTest(name = "{0} and {1} share a limit: {2}")
  @CsvSource({
      "2001:db8:1:2::1, 2001:db8:1:2:ffff::9, true",
      "[2001:db8:1:2::1], 2001:db8:1:2::2, true",
      "fe80::1%eth0, fe80::2, true",
      "2001:db8:1:2::1, 2001:db8:1:3::1, false",
      "10.0.0.1, 10.0.0.2, false",
      "::ffff:10.0.0.1, 10.0.0.1, true",
  })
  void clientKey_ipv6CountedPerSlash64(String first, String second, boolean shared) {
    if (shared) {
      assertEquals(JoinThrottle.clientKey(first), JoinThrottle.clientKey(second));
    } else {
      assertNotEquals(JoinThrottle.clientKey(first), JoinThrottle.clientKey(second));
    }
  }
}
