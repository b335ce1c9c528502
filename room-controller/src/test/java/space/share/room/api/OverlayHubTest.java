package space.share.room.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import space.share.room.FakeClock;
import space.share.room.members.Member;
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

/** Members' drawing and pointer messages through the real EventHub, on fake Jetty sessions and a fake clock. */
class OverlayHubTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STROKE = "{\"type\":\"annotate\",\"id\":\"%s\",\"tool\":\"pen\",\"color\":\"#ff0000\",\"width\":4,"
      + "\"points\":[[0.1,0.2],[0.3,0.4]]}";

  private final FakeClock clock = new FakeClock(1_767_225_600_000L);
  private final AtomicLong monotonicMs = new AtomicLong(10_000);
  private Database database;
  private RoomServices rooms;
  private EventHub hub;
  private Member owner;
  private Member bea;
  private Member cai;

  /** A Session that records what is sent; sends complete at once unless {@code stalled}. */
  static final class RecordingSession {
    final List<String> sent = new ArrayList<>();
    final List<Callback> pending = new ArrayList<>();
    boolean stalled;
    Integer closeCode;
    final Session session = (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class},
        (proxy, method, args) -> {
          switch (method.getName()) {
            case "sendText" -> {
              sent.add((String) args[0]);
              if (stalled) {
                pending.add((Callback) args[1]);
              } else {
                ((Callback) args[1]).succeed();
              }
            }
            case "close" -> closeCode = args == null ? 1000 : (Integer) args[0];
            case "isOpen" -> {
              return closeCode == null;
            }
            case "hashCode" -> {
              return System.identityHashCode(proxy);
            }
            case "equals" -> {
              return proxy == args[0];
            }
            case "toString" -> {
              return "RecordingSession";
            }
            default -> { }
          }
          return null;
        });

    /** The sent messages of a type, parsed. */
    List<JsonNode> of(String type) {
      List<JsonNode> out = new ArrayList<>();
      for (String text : sent) {
        try {
          JsonNode node = JSON.readTree(text);
          if (node.path("type").asText().equals(type)) {
            out.add(node);
          }
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }
      return out;
    }

    JsonNode last(String type) {
      List<JsonNode> all = of(type);
      return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** Completes the oldest stalled send (the peer read it). */
    void completeOne() {
      pending.remove(0).succeed();
    }
  }

  @BeforeEach
  void start() {
    database = Database.open("jdbc:h2:mem:overlay" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "", "");
    rooms = RoomServices.create(new RoomStore(database.dataSource()), new TokenSigner("s"), new SessionTokens(),
        new PasscodeHasher(4), new VncTokens(clock, 10_000), new JoinThrottle(clock, 5, 20, 60_000),
        new StaticDesktopManager(null), clock, new RoomSettings("http://r", "http://m", "rtmp://m/live", 3_600_000, 3600, 30_000, 8));
    rooms.dashboard().start();
    hub = new EventHub(rooms, Duration.ofMinutes(10), monotonicMs::get);
    rooms.registry().addListener(hub);
    String ownerId = rooms.dashboard().createRoom("room1", "Room", "open-sesame", "Olive").owner().memberId();
    owner = new Member(ownerId, "room1", "Olive", true, clock.millis(), clock.millis() + 3_600_000);
    bea = member("Bea");
    cai = member("Cai");
  }

  private Member member(String name) {
    String id = rooms.members().join("room1", "open-sesame", name, "127.0.0.1", false).memberId();
    return new Member(id, "room1", name, false, clock.millis(), clock.millis() + 3_600_000);
  }

  @AfterEach
  void stop() {
    hub.close();
    database.close();
  }

  private record Open(EventSocket socket, RecordingSession session) {}

  private Open open(Member member) {
    RecordingSession session = new RecordingSession();
    EventSocket socket = new EventSocket(member, "peer-of-" + member.name(), hub);
    socket.onWebSocketOpen(session.session);
    return new Open(socket, session);
  }

  @Test
  void annotate_valid_broadcastToEveryoneWithAuthorAndKeptForSnapshot() {
    Open o = open(owner);
    Open b = open(bea);
    b.socket().onWebSocketText(STROKE.formatted("s1"));
    for (Open each : List.of(o, b)) {
      JsonNode got = each.session().last("annotation");
      assertEquals("s1", got.path("id").asText());
      assertEquals(bea.id(), got.path("author").asText());
      assertEquals("Bea", got.path("name").asText());
      assertEquals(0.3, got.path("points").get(1).get(0).asDouble());
    }
    Open late = open(cai);
    JsonNode snapshot = late.session().last("snapshot");
    assertEquals("room1", snapshot.path("room").path("id").asText());
    assertEquals(1, snapshot.path("annotations").size());
    assertEquals("s1", snapshot.path("annotations").get(0).path("id").asText());
    assertEquals(bea.id(), snapshot.path("annotations").get(0).path("author").asText());
  }

  @Test
  void received_malformed_errorToSenderOnlySocketStaysOpen() {
    Open o = open(owner);
    Open b = open(bea);
    int ownerMessages = o.session().sent.size();
    b.socket().onWebSocketText("{\"type\":\"annotate\",\"id\":\"s1\",\"tool\":\"pen\",\"color\":\"red\",\"width\":4,\"points\":[[0,0]]}");
    b.socket().onWebSocketText("not json");
    b.socket().onWebSocketText("x".repeat(OverlayHub.MAX_MESSAGE_CHARS + 1));
    List<JsonNode> errors = b.session().of("error");
    assertEquals(3, errors.size(), b.session().sent.toString());
    assertEquals("bad_request", errors.get(0).path("error").asText());
    assertEquals("annotate", errors.get(0).path("ref").asText());
    assertEquals("s1", errors.get(0).path("id").asText());
    assertTrue(errors.get(0).path("message").asText().contains("#rrggbb"));
    assertEquals("bad_request", errors.get(1).path("error").asText());
    assertEquals("payload_too_large", errors.get(2).path("error").asText());
    assertNull(b.session().closeCode);
    assertEquals(ownerMessages, o.session().sent.size(), "the others saw nothing");
    b.socket().onWebSocketText(STROKE.formatted("s2"));
    assertEquals(1, o.session().of("annotation").size(), "the socket still works");
  }

  @Test
  void annotate_aboveRate_rateLimitedThenAllowedAgain() {
    Open b = open(bea);
    for (int i = 0; i < OverlayHub.DRAWING_BURST + 5; i++) {
      b.socket().onWebSocketText(STROKE.formatted("s" + i));
    }
    assertEquals(OverlayHub.DRAWING_BURST, b.session().of("annotation").size());
    assertEquals(5, b.session().of("error").size());
    assertEquals("rate_limited", b.session().last("error").path("error").asText());
    monotonicMs.addAndGet(1000);
    b.socket().onWebSocketText(STROKE.formatted("later"));
    assertEquals("later", b.session().last("annotation").path("id").asText());
  }

  @Test
  void received_floodOfBadMessages_fewErrorsAnswered() {
    Open b = open(bea);
    for (int i = 0; i < 200; i++) {
      b.socket().onWebSocketText("{}");
    }
    assertEquals(OverlayHub.ERROR_BURST, b.session().of("error").size());
    assertNull(b.session().closeCode);
  }

  @Test
  void annotate_pastRoomCap_snapshotKeepsTheNewest() {
    Open b = open(bea);
    for (int i = 0; i < OverlayHub.MAX_STROKES_PER_ROOM + 10; i++) {
      monotonicMs.addAndGet(100); // within the rate
      b.socket().onWebSocketText(STROKE.formatted("s" + i));
    }
    JsonNode annotations = open(cai).session().last("snapshot").path("annotations");
    assertEquals(OverlayHub.MAX_STROKES_PER_ROOM, annotations.size());
    assertEquals("s10", annotations.get(0).path("id").asText());
    assertEquals("s" + (OverlayHub.MAX_STROKES_PER_ROOM + 9), annotations.get(annotations.size() - 1).path("id").asText());
  }

  @Test
  void clear_own_removesOnlyTheirs_all_onlyOwnerOrHolder() {
    Open o = open(owner);
    Open b = open(bea);
    Open c = open(cai);
    b.socket().onWebSocketText(STROKE.formatted("b1"));
    c.socket().onWebSocketText(STROKE.formatted("c1"));
    b.socket().onWebSocketText("{\"type\":\"annotation-clear\"}");
    assertEquals(bea.id(), o.session().last("annotations-cleared").path("author").asText());
    assertEquals(List.of("c1"), ids(open(owner).session().last("snapshot")));

    b.socket().onWebSocketText("{\"type\":\"annotation-clear\",\"all\":true}");
    assertEquals("forbidden", b.session().last("error").path("error").asText());
    assertEquals(List.of("c1"), ids(open(owner).session().last("snapshot")));

    rooms.control().requestControl(bea); // the holder may clear everyone's
    b.socket().onWebSocketText("{\"type\":\"annotation-clear\",\"all\":true}");
    assertTrue(c.session().last("annotations-cleared").path("all").asBoolean());
    assertEquals(List.of(), ids(open(owner).session().last("snapshot")));

    c.socket().onWebSocketText(STROKE.formatted("c2"));
    o.socket().onWebSocketText("{\"type\":\"annotation-clear\",\"all\":true}"); // so may the owner
    assertEquals(owner.id(), b.session().last("annotations-cleared").path("by").asText());
    assertEquals(List.of(), ids(open(owner).session().last("snapshot")));
  }

  private static List<String> ids(JsonNode snapshot) {
    List<String> out = new ArrayList<>();
    snapshot.path("annotations").forEach(a -> out.add(a.path("id").asText()));
    return out;
  }

  @Test
  void cursor_fromNonHolder_refusedNotInControl() {
    Open o = open(owner);
    Open b = open(bea);
    b.socket().onWebSocketText("{\"type\":\"cursor\",\"x\":0.5,\"y\":0.5}");
    assertEquals("not_in_control", b.session().last("error").path("error").asText());
    assertEquals("cursor", b.session().last("error").path("ref").asText());
    assertTrue(o.session().of("cursor").isEmpty());
  }

  @Test
  void cursor_fromHolder_toTheOthersOnly_thenGoneWhenControlPasses() {
    Open o = open(owner);
    Open b = open(bea);
    Open c = open(cai);
    rooms.control().requestControl(bea);
    b.socket().onWebSocketText("{\"type\":\"cursor\",\"x\":0.25,\"y\":0.75}");
    JsonNode seen = o.session().last("cursor");
    assertEquals(bea.id(), seen.path("memberId").asText());
    assertEquals("Bea", seen.path("name").asText());
    assertEquals(0.25, seen.path("x").asDouble());
    assertEquals(0.75, seen.path("y").asDouble());
    assertEquals(1, c.session().of("cursor").size());
    assertTrue(b.session().of("cursor").isEmpty(), "the holder draws their own pointer");

    rooms.control().takeControl(owner);
    assertEquals(bea.id(), c.session().last("cursor-gone").path("memberId").asText());
    assertEquals(bea.id(), o.session().last("cursor-gone").path("memberId").asText());
  }

  @Test
  void cursor_holderLeaves_cursorGone() {
    Open o = open(owner);
    Open b = open(bea);
    rooms.control().requestControl(bea);
    b.socket().onWebSocketText("{\"type\":\"cursor\",\"x\":0.1,\"y\":0.1}");
    rooms.members().leave(bea);
    assertEquals(bea.id(), o.session().last("cursor-gone").path("memberId").asText());
  }

  @Test
  void cursor_aboveSixtyPerSecond_droppedQuietly() {
    Open o = open(owner);
    Open b = open(bea);
    rooms.control().requestControl(bea);
    int sent = 0;
    for (int ms = 0; ms < 1000; ms += 4) { // 250 Hz for one second
      monotonicMs.addAndGet(4);
      b.socket().onWebSocketText("{\"type\":\"cursor\",\"x\":0.5,\"y\":" + (ms / 1000.0) + "}");
      sent++;
    }
    int seen = o.session().of("cursor").size();
    assertTrue(seen >= OverlayHub.CURSORS_PER_SECOND && seen <= OverlayHub.CURSORS_PER_SECOND + OverlayHub.CURSOR_BURST,
        seen + " of " + sent + " passed");
    assertTrue(b.session().of("error").isEmpty(), "no error for a fast pointer");
  }

  @Test
  void cursor_slowReader_onlyLatestPendingNeverQueuedNeverClosed() {
    Open b = open(bea);
    Open c = open(cai);
    rooms.control().requestControl(bea);
    c.session().stalled = true; // Cai's connection takes its time with every message
    for (int i = 0; i < 2000; i++) {
      monotonicMs.addAndGet(17); // ~60 Hz, within the rate: all accepted
      b.socket().onWebSocketText("{\"type\":\"cursor\",\"x\":0.5,\"y\":" + (i / 2000.0) + "}");
    }
    assertNull(c.session().closeCode, "2000 pointer moves do not make a socket too slow");
    assertEquals(1, c.session().pending.size(), "one send in flight");
    c.session().completeOne(); // the first one was read: the latest position goes next, nothing between
    c.session().completeOne();
    assertEquals(0, c.session().pending.size());
    List<JsonNode> cursors = c.session().of("cursor");
    assertEquals(2, cursors.size());
    assertEquals(1999 / 2000.0, cursors.get(1).path("y").asDouble(), 1e-4);
  }

  @Test
  void cursorGone_dropsAPendingPositionAndKeepsOrder() {
    Open b = open(bea);
    Open c = open(cai);
    rooms.control().requestControl(bea);
    c.session().stalled = true;
    b.socket().onWebSocketText("{\"type\":\"cursor\",\"x\":0.1,\"y\":0.1}"); // in flight
    monotonicMs.addAndGet(20);
    b.socket().onWebSocketText("{\"type\":\"cursor\",\"x\":0.2,\"y\":0.2}"); // waits in the slot
    b.socket().onWebSocketText("{\"type\":\"cursor-gone\"}");
    while (!c.session().pending.isEmpty()) {
      c.session().completeOne();
    }
    List<String> types = c.session().sent.stream().map(t -> t.replaceAll(".*\"type\":\"([^\"]+)\".*", "$1")).toList();
    assertEquals("cursor-gone", types.get(types.size() - 1), types.toString());
    assertEquals(1, c.session().of("cursor").size(), "the waiting position was dropped");
  }
}
