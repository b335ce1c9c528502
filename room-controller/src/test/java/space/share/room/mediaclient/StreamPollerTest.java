package space.share.room.mediaclient;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import space.share.room.FakeClock;
import space.share.room.FakeScheduler;
import space.share.room.FakeStreamStatus;
import space.share.room.rooms.RoomServices;
import space.share.room.rooms.RoomSettings;
import space.share.room.rooms.StaticDesktopManager;
import space.share.room.store.Database;
import space.share.room.store.RoomStore;
import space.share.room.token.JoinThrottle;
import space.share.room.token.PasscodeHasher;
import space.share.room.token.SessionTokens;
import space.share.room.token.TokenSigner;
import space.share.room.token.VncTokens;

/** The poller's VNC probe, timed by the injected monotonic clock (in-memory H2, a real listening socket). */
class StreamPollerTest {
  private static final long PROBE_INTERVAL_MS = 5_000;

  private final FakeClock clock = new FakeClock(1_767_225_600_000L);
  private final AtomicLong monotonicMs = new AtomicLong(1_000);
  private Database database;

  @AfterEach
  void stop() {
    if (database != null) {
      database.close();
    }
  }

  @Test
  void vncProbe_runsOncePerInterval_byTheInjectedClock() throws Exception {
    ServerSocket vnc = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    database = Database.open("jdbc:h2:mem:poller" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "", "");
    RoomServices rooms = RoomServices.create(new RoomStore(database.dataSource()), new TokenSigner("s"),
        new SessionTokens(), new PasscodeHasher(4), new VncTokens(clock, 10_000), new JoinThrottle(clock, 3, 20, 60_000),
        new StaticDesktopManager(new InetSocketAddress(vnc.getInetAddress(), vnc.getLocalPort()), "password"), clock,
        new RoomSettings("http://r", "http://m", "rtmp://m/live", 3_600_000, 3600, 30_000, 8));
    rooms.dashboard().start();
    rooms.dashboard().createRoom("r1", "Room 1", "passcode", "Olive");
    StreamPoller poller = new StreamPoller(rooms.parts(), rooms.control(), new FakeStreamStatus(), 1000,
        PROBE_INTERVAL_MS, 3, new FakeScheduler(), monotonicMs::get);

    poller.pollOnce();
    assertTrue(vncReachable(rooms), "first round probes: the VNC server listens");

    vnc.close(); // from now on a probe is refused
    monotonicMs.addAndGet(PROBE_INTERVAL_MS - 1);
    poller.pollOnce();
    assertTrue(vncReachable(rooms), "probed again before the interval: the last result must stand");

    monotonicMs.addAndGet(1);
    poller.pollOnce();
    assertFalse(vncReachable(rooms), "not probed once the interval passed");
  }

  private static boolean vncReachable(RoomServices rooms) {
    return rooms.dashboard().adminRoom("r1").parts().vncReachable();
  }
}
