package space.share.room.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import space.share.room.FakeClock;
import space.share.room.status.RoomException;
import space.share.room.status.RoomStatus;
import space.share.room.store.Database;
import space.share.room.store.RoomStore;
import space.share.room.token.JoinThrottle;
import space.share.room.token.PasscodeHasher;
import space.share.room.token.SessionTokens;
import space.share.room.token.TokenSigner;
import space.share.room.token.VerificationSlots;
import space.share.room.token.VncTokens;

/** Join throttling, the bcrypt cap and the room and member caps, on the service with an in-memory H2. */
class JoinLimitsTest {
  private static final long SESSION_TTL_MS = 3_600_000;
  private final FakeClock clock = new FakeClock(1_767_225_600_000L);
  private final CountingHasher hasher = new CountingHasher();
  private Database database;
  private ExecutorService pool;

  /** The real bcrypt (cost 4), counting checks; {@link #hold} keeps every check waiting until released. */
  static final class CountingHasher extends PasscodeHasher {
    final AtomicInteger checks = new AtomicInteger();
    volatile CountDownLatch hold = new CountDownLatch(0);
    final AtomicInteger holding = new AtomicInteger();

    CountingHasher() {
      super(4);
    }

    @Override
    public boolean matches(String storedHash, String passcode) {
      checks.incrementAndGet();
      holding.incrementAndGet();
      try {
        hold.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        holding.decrementAndGet();
      }
      return super.matches(storedHash, passcode);
    }
  }

  private RoomServices service(RoomLimits limits, VerificationSlots slots) {
    database = Database.open("jdbc:h2:mem:join" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "", "");
    RoomServices rooms = RoomServices.create(new RoomStore(database.dataSource()), new TokenSigner("s"), new SessionTokens(),
        hasher, new VncTokens(clock, 10_000), new JoinThrottle(clock, 5, 20, 60_000), new StaticDesktopManager(null), clock,
        new RoomSettings("http://r", "http://m", "rtmp://m/live", SESSION_TTL_MS, 3600, 30_000, 8), limits, slots);
    rooms.dashboard().start();
    return rooms;
  }

  @AfterEach
  void stop() {
    if (pool != null) {
      pool.shutdownNow();
    }
    if (database != null) {
      database.close();
    }
  }

  private static RoomStatus statusOf(Runnable call) {
    return assertThrows(RoomException.class, call::run).status();
  }

  @Test
  void join_concurrentWrongPasscodesFromOneAddress_atMostTheLimitReachBcrypt() throws Exception {
    RoomServices rooms = service(RoomLimits.DEFAULTS, new VerificationSlots(64, 64, 5000));
    rooms.dashboard().createRoom("room1", "Room", "open-sesame", "Olive");
    int threads = 24;
    pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<RoomStatus>> results = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int guess = i;
      results.add(pool.submit(() -> {
        start.await();
        return statusOf(() -> rooms.members().join("room1", "guess-" + guess, "Eve", "10.6.6.6", false));
      }));
    }
    start.countDown();
    int wrong = 0;
    int throttled = 0;
    for (Future<RoomStatus> result : results) {
      RoomStatus status = result.get(20, TimeUnit.SECONDS);
      wrong += status == RoomStatus.WRONG_PASSCODE ? 1 : 0;
      throttled += status == RoomStatus.TOO_MANY_ATTEMPTS ? 1 : 0;
    }
    assertEquals(5, hasher.checks.get(), "bcrypt ran once per admitted attempt, and only 5 were admitted");
    assertEquals(5, wrong);
    assertEquals(threads - 5, throttled);
  }

  @Test
  void join_passcodeChecksAtTheCap_refusedBusyWithRetryAfterAndNotCounted() throws Exception {
    RoomServices rooms = service(RoomLimits.DEFAULTS, new VerificationSlots(2, 0, 0));
    rooms.dashboard().createRoom("room1", "Room", "open-sesame", "Olive");
    hasher.hold = new CountDownLatch(1);
    pool = Executors.newFixedThreadPool(2);
    Future<?> first = pool.submit(() -> rooms.members().join("room1", "open-sesame", "Ann", "10.0.0.1", false));
    Future<?> second = pool.submit(() -> rooms.members().join("room1", "open-sesame", "Bob", "10.0.0.2", false));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (hasher.holding.get() < 2 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(2, hasher.holding.get());
    RoomException busy = assertThrows(RoomException.class, () -> rooms.members().join("room1", "open-sesame", "Cy", "10.0.0.3", false));
    assertEquals(RoomStatus.BUSY, busy.status());
    assertEquals(503, busy.status().httpStatus());
    assertEquals(1, busy.retryAfterSeconds());
    assertEquals(2, hasher.checks.get(), "the refused join never reached bcrypt");
    hasher.hold.countDown();
    first.get(10, TimeUnit.SECONDS);
    second.get(10, TimeUnit.SECONDS);
    for (int i = 0; i < 5; i++) { // a refusal for load is not counted: the address still has all its 5 attempts
      assertEquals(RoomStatus.WRONG_PASSCODE, statusOf(() -> rooms.members().join("room1", "guess", "Cy", "10.0.0.3", false)));
    }
  }

  @Test
  void join_roomGuessedFromManyAddresses_rightPasscodeFromAnotherAddressJoinsAtOnce() {
    RoomServices rooms = service(RoomLimits.DEFAULTS, new VerificationSlots(4, 4, 1000));
    rooms.dashboard().createRoom("room1", "Room", "open-sesame", "Olive");
    for (int address = 0; address < 100; address++) {
      String ip = "10.66." + address / 256 + "." + address % 256;
      for (int guess = 0; guess < 5; guess++) {
        RoomStatus status = statusOf(() -> rooms.members().join("room1", "guess", "Eve", ip, false));
        assertTrue(status == RoomStatus.WRONG_PASSCODE || status == RoomStatus.TOO_MANY_ATTEMPTS, status.toString());
      }
    }
    assertTrue(hasher.checks.get() < 100 * 5, "the room back-off slowed the guessing: " + hasher.checks.get());
    RoomViews.Session session = rooms.members().join("room1", "open-sesame", "Bea", "192.168.1.20", false);
    assertTrue(session.token() != null && !session.token().isEmpty());
  }

  @Test
  void join_roomFull_refusedRoomFullUntilASessionEnds() {
    RoomServices rooms = service(new RoomLimits(10, /* maxMembersPerRoom= */ 3), VerificationSlots.forCores(2));
    rooms.dashboard().createRoom("room1", "Room", "open-sesame", "Olive"); // the owner's session is one of the three
    rooms.members().join("room1", "open-sesame", "Ann", "10.0.0.1", false);
    RoomViews.Session bob = rooms.members().join("room1", "open-sesame", "Bob", "10.0.0.2", false);
    RoomException full = assertThrows(RoomException.class, () -> rooms.members().join("room1", "open-sesame", "Cy", "10.0.0.3", false));
    assertEquals(RoomStatus.ROOM_FULL, full.status());
    assertEquals(409, full.status().httpStatus());
    assertEquals("room_full", full.status().code());
    RoomViews.Session owner = rooms.members().join("room1", null, "Olive again", "10.0.0.9", true); // never refused: 4 now
    rooms.members().leave(rooms.members().authenticate("room1", bob.token()));
    assertEquals(RoomStatus.ROOM_FULL, statusOf(() -> rooms.members().join("room1", "open-sesame", "Cy", "10.0.0.3", false)));
    rooms.members().leave(rooms.members().authenticate("room1", owner.token()));
    rooms.members().join("room1", "open-sesame", "Cy", "10.0.0.3", false);
  }

  @Test
  void join_roomFullOfExpiredSessions_expiredOnesDoNotCount() {
    RoomServices rooms = service(new RoomLimits(10, 2), VerificationSlots.forCores(2));
    rooms.dashboard().createRoom("room1", "Room", "open-sesame", "Olive");
    rooms.members().join("room1", "open-sesame", "Ann", "10.0.0.1", false);
    assertEquals(RoomStatus.ROOM_FULL, statusOf(() -> rooms.members().join("room1", "open-sesame", "Bob", "10.0.0.2", false)));
    clock.advanceMs(SESSION_TTL_MS);
    rooms.members().join("room1", "open-sesame", "Bob", "10.0.0.2", false);
  }

  @Test
  void createRoom_atTheRoomCap_refusedTooManyRoomsUntilOneIsDeleted() {
    RoomServices rooms = service(new RoomLimits(/* maxRooms= */ 2, 10), VerificationSlots.forCores(2));
    rooms.dashboard().createRoom("room1", "Room", "open-sesame", "Olive");
    rooms.dashboard().createRoom("room2", "Room", "open-sesame", "Olive");
    RoomException refused = assertThrows(RoomException.class, () -> rooms.dashboard().createRoom("room3", "Room", "open-sesame", "Olive"));
    assertEquals(RoomStatus.TOO_MANY_ROOMS, refused.status());
    assertEquals(2, rooms.registry().roomIds().size());
    rooms.dashboard().deleteRoom("room1");
    rooms.dashboard().createRoom("room3", "Room", "open-sesame", "Olive");
  }
}
