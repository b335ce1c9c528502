package space.share.room.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import space.share.room.DaemonThreads;
import space.share.room.FakeClock;
import space.share.room.members.Member;
import space.share.room.rooms.RoomServices;
import space.share.room.rooms.RoomSettings;
import space.share.room.rooms.StaticDesktopManager;
import space.share.room.status.RoomStatus;
import space.share.room.store.Database;
import space.share.room.store.RoomStore;
import space.share.room.token.JoinThrottle;
import space.share.room.token.PasscodeHasher;
import space.share.room.token.SessionTokens;
import space.share.room.token.TokenSigner;
import space.share.room.token.VncTokens;
import space.share.web.GracefulClose;

/** The event socket's bounded queue, against a fake Jetty session whose sends never complete. */
class EventSocketTest {
  private final FakeClock clock = new FakeClock(1_767_225_600_000L);
  private Database database;
  private RoomServices rooms;
  private EventHub hub;

  /**
   * A Session whose sendText keeps the callback (the peer reads nothing) and records close codes; with {@link #stuck}
   * the close frame never gets through either (the socket stays open until disconnected).
   */
  static final class StalledSession {
    final List<Callback> pendingSends = new ArrayList<>();
    Integer closeCode;
    boolean stuck;
    int disconnects;
    final Session session = (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class},
        (proxy, method, args) -> {
          switch (method.getName()) {
            case "sendText" -> pendingSends.add((Callback) args[1]);
            case "close" -> closeCode = args == null ? 1000 : (Integer) args[0];
            case "disconnect" -> disconnects++;
            case "isOpen" -> {
              return disconnects == 0 && (closeCode == null || stuck);
            }
            case "toString" -> {
              return "StalledSession";
            }
            case "hashCode" -> {
              return System.identityHashCode(proxy);
            }
            case "equals" -> {
              return proxy == args[0];
            }
            default -> { }
          }
          return null;
        });
  }

  @BeforeEach
  void start() {
    database = Database.open("jdbc:h2:mem:events" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "", "");
    rooms = RoomServices.create(new RoomStore(database.dataSource()), new TokenSigner("s"), new SessionTokens(),
        new PasscodeHasher(4), new VncTokens(clock, 10_000), new JoinThrottle(clock, 5, 20, 60_000),
        new StaticDesktopManager(null), clock, new RoomSettings("http://r", "http://m", "rtmp://m/live", 3_600_000, 3600, 30_000, 8));
    rooms.dashboard().start();
    hub = new EventHub(rooms, Duration.ofMinutes(10), () -> 0L, /* maxSocketsPerMember= */ 2,
        /* maxSocketsPerRoom= */ 3, DaemonThreads.scheduler("test-events-ping"));
  }

  @AfterEach
  void stop() {
    hub.close();
    database.close();
  }

  @Test
  void send_peerReadsNothing_closedTooSlowAfterQueueBound() {
    String ownerId = rooms.dashboard().createRoom("room1", "Room", "open-sesame", "Olive").owner().memberId();
    Member owner = new Member(ownerId, "room1", "Olive", true, clock.millis(), clock.millis() + 3_600_000);
    StalledSession stalled = new StalledSession();
    EventSocket socket = new EventSocket(owner, "test-peer", hub);
    socket.onWebSocketOpen(stalled.session); // the snapshot goes out and never completes

    assertEquals(1, stalled.pendingSends.size(), "one send in flight, the rest queued");
    for (int i = 0; i < EventSocket.MAX_QUEUED_MESSAGES; i++) {
      socket.send("{\"type\":\"x\"}");
    }
    assertNull(stalled.closeCode, "a full queue is still fine");
    socket.send("{\"type\":\"one-too-many\"}");
    assertEquals(RoomStatus.TOO_SLOW.closeCode(), stalled.closeCode);
    assertEquals(1, stalled.pendingSends.size(), "nothing more was sent");
  }

  @Test
  void send_peerReadsNothingNotEvenTheClose_disconnectedAfterTheGrace() {
    List<Long> graceDelaysMs = new ArrayList<>();
    List<Runnable> graceTasks = new ArrayList<>();
    ScheduledExecutorService heartbeat = new ScheduledThreadPoolExecutor(1) {
      @Override
      public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        graceDelaysMs.add(unit.toMillis(delay));
        graceTasks.add(command);
        return null;
      }
    };
    hub.close();
    hub = new EventHub(rooms, Duration.ofMinutes(10), () -> 0L, 2, 3, heartbeat);
    String ownerId = rooms.dashboard().createRoom("room5", "Room", "open-sesame", "Olive").owner().memberId();
    Member owner = new Member(ownerId, "room5", "Olive", true, clock.millis(), clock.millis() + 3_600_000);
    StalledSession stalled = new StalledSession();
    stalled.stuck = true;
    EventSocket socket = new EventSocket(owner, "test-peer", hub);
    socket.onWebSocketOpen(stalled.session);
    for (int i = 0; i <= EventSocket.MAX_QUEUED_MESSAGES; i++) {
      socket.send("{\"type\":\"x\"}");
    }
    assertEquals(RoomStatus.TOO_SLOW.closeCode(), stalled.closeCode);
    assertEquals(List.of(GracefulClose.DEFAULT_GRACE_MS), graceDelaysMs);
    assertEquals(0, stalled.disconnects, "disconnected before the grace");
    graceTasks.forEach(Runnable::run);
    assertEquals(1, stalled.disconnects);
  }

  @Test
  void send_peerKeepsUp_messagesGoOutInOrderOneAtATime() {
    String ownerId = rooms.dashboard().createRoom("room2", "Room", "open-sesame", "Olive").owner().memberId();
    Member owner = new Member(ownerId, "room2", "Olive", true, clock.millis(), clock.millis() + 3_600_000);
    StalledSession session = new StalledSession();
    EventSocket socket = new EventSocket(owner, "test-peer", hub);
    socket.onWebSocketOpen(session.session);
    socket.send("a");
    socket.send("b");
    assertEquals(1, session.pendingSends.size());
    session.pendingSends.get(0).succeed(); // snapshot written: "a" goes out
    assertEquals(2, session.pendingSends.size());
    session.pendingSends.get(1).succeed(); // "a" written: "b" goes out
    assertEquals(3, session.pendingSends.size());
    assertNull(session.closeCode);
  }

  private Member member(String id, String roomId, long expiresAtMs) {
    return new Member(id, roomId, id, false, clock.millis(), expiresAtMs);
  }

  private StalledSession open(Member member) {
    StalledSession session = new StalledSession();
    new EventSocket(member, "test-peer", hub).onWebSocketOpen(session.session);
    return session;
  }

  @Test
  void open_overMemberAndRoomCaps_closedTooManySockets() {
    String ownerId = rooms.dashboard().createRoom("room3", "Room", "open-sesame", "Olive").owner().memberId();
    Member owner = member(ownerId, "room3", clock.millis() + 3_600_000);
    assertNull(open(owner).closeCode);
    assertNull(open(owner).closeCode);
    assertEquals(4429, open(owner).closeCode, "a third socket of one member");
    assertEquals(RoomStatus.TOO_MANY_SOCKETS.closeCode(), 4429);
    Member other = member("other-member", "room3", clock.millis() + 3_600_000);
    assertNull(open(other).closeCode, "the room's third socket");
    assertEquals(4429, open(other).closeCode, "a fourth socket in the room");
    assertEquals(3, hub.openCount("room3"));
  }

  @Test
  void closeExpired_sessionExpires_socketClosedTokenExpiredAndCapFreed() {
    rooms.dashboard().createRoom("room4", "Room", "open-sesame", "Olive");
    long expiresAtMs = clock.millis() + 60_000;
    Member short1 = member("short-lived", "room4", expiresAtMs);
    Member long1 = member("long-lived", "room4", expiresAtMs + 3_600_000);
    StalledSession expiring = open(short1);
    StalledSession staying = open(long1);
    clock.advanceMs(59_999);
    assertEquals(0, hub.closeExpired());
    assertNull(expiring.closeCode);
    clock.advanceMs(1);
    assertEquals(1, hub.closeExpired());
    assertEquals(RoomStatus.TOKEN_EXPIRED.closeCode(), expiring.closeCode);
    assertEquals(4401, expiring.closeCode);
    assertNull(staying.closeCode);
    assertEquals(1, hub.openCount("room4"));
    assertEquals(0, hub.closeExpired(), "closed once");
  }
}
