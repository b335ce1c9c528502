package space.share.room.api;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import space.share.room.DaemonThreads;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.room.overlay.Stroke;
import space.share.room.room.RoomEvent;
import space.share.room.room.RoomListener;
import space.share.room.room.RoomService;

/**
 * Fans each room's events out to its event sockets: serialized once, queued per socket. A new socket
 * first gets a {@code snapshot} (the member's GetConfiguration and the room's kept annotation strokes).
 * What members send in goes to the {@link OverlayHub}. Thread-safe.
 */
final class EventHub implements RoomListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);

  private final RoomService rooms;
  private final Map<String, Set<EventSocket>> socketsByRoom = new ConcurrentHashMap<>();
  private final ScheduledExecutorService heartbeat = DaemonThreads.scheduler("room-events-ping");
  private final Duration idleTimeout;
  private final OverlayHub overlay;

  /**
   * @param pingInterval how often every event socket gets a WebSocket ping (browsers answer by
   *     themselves), so quiet rooms keep their sockets through proxies and idle timeouts; the idle
   *     timeout is three intervals
   */
  EventHub(RoomService rooms, Duration pingInterval) {
    this(rooms, pingInterval, () -> System.nanoTime() / 1_000_000);
  }

  /** @param nowMs a monotonic millisecond clock for the rate limits of members' messages */
  EventHub(RoomService rooms, Duration pingInterval, LongSupplier nowMs) {
    this.rooms = rooms;
    this.overlay = new OverlayHub(rooms, this::sockets, nowMs);
    this.idleTimeout = pingInterval.multipliedBy(3);
    heartbeat.scheduleWithFixedDelay(this::pingAll, pingInterval.toMillis(), pingInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  Duration idleTimeout() {
    return idleTimeout;
  }

  private void pingAll() {
    for (Set<EventSocket> sockets : socketsByRoom.values()) {
      for (EventSocket socket : sockets) {
        socket.ping();
      }
    }
  }

  @Override
  public void close() {
    heartbeat.shutdownNow();
  }

  record Snapshot(String type, Object room, List<Stroke> annotations) {}

  private Collection<EventSocket> sockets(String roomId) {
    Set<EventSocket> sockets = socketsByRoom.get(roomId);
    return sockets == null ? Set.of() : sockets;
  }

  /** A member's text message (on the socket's Jetty thread). */
  void received(EventSocket socket, String text) {
    overlay.received(socket, text);
  }

  void opened(EventSocket socket) {
    // Presence first (to the others), then join the fan-out, then the snapshot: it is computed after
    // joining, so no event is lost; events queued ahead of it are older and the snapshot supersedes them.
    String roomId = socket.member().roomId();
    rooms.socketOpened(socket.member(), true);
    socketsByRoom.computeIfAbsent(roomId, id -> ConcurrentHashMap.newKeySet()).add(socket);
    try {
      Object configuration = rooms.configuration(socket.member());
      socket.send(Json.write(new Snapshot("snapshot", configuration, overlay.annotations(roomId))));
    } catch (RoomException e) {
      socket.close(e.status(), e.getMessage());
    }
  }

  void closed(EventSocket socket) {
    Set<EventSocket> sockets = socketsByRoom.get(socket.member().roomId());
    if (sockets != null && sockets.remove(socket)) {
      rooms.socketOpened(socket.member(), false);
      overlay.socketClosed(socket);
    }
  }

  @Override
  public void onEvent(String roomId, RoomEvent event) {
    overlay.onEvent(roomId, event);
    Set<EventSocket> sockets = socketsByRoom.get(roomId);
    if (sockets == null || sockets.isEmpty()) {
      return;
    }
    String json = Json.writeEvent(event);
    for (EventSocket socket : sockets) {
      socket.send(json);
      if (event instanceof RoomEvent.RoomDeleted) {
        socket.close(RoomStatus.ROOM_DELETED, "the room was deleted");
      } else if (event instanceof RoomEvent.MemberLeft left && left.memberId().equals(socket.member().id())) {
        socket.close(RoomStatus.UNAUTHORIZED, "your session ended");
      }
    }
    if (event instanceof RoomEvent.RoomDeleted) {
      socketsByRoom.remove(roomId);
      LOG.debug("closed the event sockets of deleted room {}", roomId);
    }
  }
}
