package space.share.room.api;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.room.DaemonThreads;
import space.share.room.overlay.Stroke;
import space.share.room.rooms.RoomEvent;
import space.share.room.rooms.RoomListener;
import space.share.room.rooms.RoomServices;
import space.share.room.status.RoomException;
import space.share.room.status.RoomStatus;
import space.share.web.GracefulClose;

/**
 * Fans each room's events out to its event sockets: serialized once, queued per socket. A new socket
 * first gets a {@code snapshot} (the member's GetConfiguration and the room's kept annotation strokes).
 * What members send in goes to the {@link OverlayHub}. Bounded: at most {@code maxSocketsPerMember} sockets per member
 * and {@code maxSocketsPerRoom} per room; one more is closed at once with {@link RoomStatus#TOO_MANY_SOCKETS}. A
 * socket whose member session expires is closed with {@link RoomStatus#TOKEN_EXPIRED} (4401) within
 * {@value #EXPIRY_CHECK_INTERVAL_MS} ms of the expiry. Thread-safe.
 */
final class EventHub implements RoomListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
  static final long EXPIRY_CHECK_INTERVAL_MS = 1000;
  static final int DEFAULT_MAX_SOCKETS_PER_MEMBER = 5;
  static final int DEFAULT_MAX_SOCKETS_PER_ROOM = 300;

  private final RoomServices rooms;
  private final Map<String, Set<EventSocket>> socketsByRoom = new ConcurrentHashMap<>();
  private final ScheduledExecutorService heartbeat;
  private final GracefulClose closer;
  private final Duration idleTimeout;
  private final OverlayHub overlay;
  private final Clock clock;
  private final int maxSocketsPerMember;
  private final int maxSocketsPerRoom;

  /**
   * @param pingInterval how often every event socket gets a WebSocket ping (browsers answer by
   *     themselves), so quiet rooms keep their sockets through proxies and idle timeouts; the idle
   *     timeout is three intervals
   */
  EventHub(RoomServices rooms, Duration pingInterval) {
    this(rooms, pingInterval, () -> System.nanoTime() / 1_000_000);
  }

  /** @param nowMs a monotonic millisecond clock for the rate limits of members' messages */
  EventHub(RoomServices rooms, Duration pingInterval, LongSupplier nowMs) {
    this(rooms, pingInterval, nowMs, DEFAULT_MAX_SOCKETS_PER_MEMBER, DEFAULT_MAX_SOCKETS_PER_ROOM,
        DaemonThreads.scheduler("room-events-ping"));
  }

  /**
   * Sessions expire by the room service's clock ({@link space.share.room.rooms.MembershipService#clock()}), the one that set their expiry.
   *
   * @param maxSocketsPerMember open event sockets per member at most ({@code room.events.max-sockets-per-member})
   * @param maxSocketsPerRoom open event sockets per room at most ({@code room.events.max-sockets-per-room})
   * @param heartbeat single-threaded: pings, expiry checks and the disconnect of sockets that do not take their close
   *     frame; owned from here on (shut down by {@link #close})
   */
  EventHub(RoomServices rooms, Duration pingInterval, LongSupplier nowMs, int maxSocketsPerMember, int maxSocketsPerRoom,
      ScheduledExecutorService heartbeat) {
    this.rooms = rooms;
    this.heartbeat = heartbeat;
    this.closer = new GracefulClose(heartbeat, GracefulClose.DEFAULT_GRACE_MS);
    this.overlay = new OverlayHub(rooms.control(), this::sockets, nowMs);
    this.idleTimeout = pingInterval.multipliedBy(3);
    this.clock = rooms.members().clock();
    this.maxSocketsPerMember = maxSocketsPerMember;
    this.maxSocketsPerRoom = maxSocketsPerRoom;
    heartbeat.scheduleWithFixedDelay(this::pingAll, pingInterval.toMillis(), pingInterval.toMillis(), TimeUnit.MILLISECONDS);
    heartbeat.scheduleWithFixedDelay(this::closeExpiredQuietly, EXPIRY_CHECK_INTERVAL_MS, EXPIRY_CHECK_INTERVAL_MS,
        TimeUnit.MILLISECONDS);
  }

  Duration idleTimeout() {
    return idleTimeout;
  }

  /** Closes the event sockets: a socket whose peer does not take the close frame is dropped after the grace. */
  GracefulClose closer() {
    return closer;
  }

  private void pingAll() {
    for (Set<EventSocket> sockets : socketsByRoom.values()) {
      for (EventSocket socket : sockets) {
        socket.ping();
      }
    }
  }

  /** Closes, with 4401 token_expired, every socket whose member session has expired; returns how many. */
  int closeExpired() {
    long nowMs = clock.millis();
    int closed = 0;
    for (Set<EventSocket> sockets : socketsByRoom.values()) {
      for (EventSocket socket : sockets) {
        if (socket.member().expiresAtMs() <= nowMs) {
          LOG.info("event socket of member {} in room {} from {} closed: session expired", socket.member().id(),
              socket.member().roomId(), socket.peer());
          socket.close(RoomStatus.TOKEN_EXPIRED, "your session expired; join again");
          closed(socket); // at once: the peer's close frame may never come
          closed++;
        }
      }
    }
    return closed;
  }

  private void closeExpiredQuietly() {
    try {
      closeExpired();
    } catch (RuntimeException e) {
      LOG.warn("closing expired event sockets failed", e);
    }
  }

  int openCount(String roomId) {
    return sockets(roomId).size();
  }

  @Override
  public void close() {
    heartbeat.shutdownNow();
  }

  record Snapshot(String type, Object room, List<Stroke> annotations) {}

  /** {@link RoomEvent.MediaMoved} as one member sees it: their own new feed and playlist URLs. */
  record MediaMoved(String type, String mediaServer, Object urls, String mediaTokenExpiresAt) {}

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
    Set<EventSocket> sockets = socketsByRoom.computeIfAbsent(roomId, id -> ConcurrentHashMap.newKeySet());
    String refusal = null;
    synchronized (sockets) { // the counts and the add in one step; removals need no lock (they only lower counts)
      long ofMember = sockets.stream().filter(s -> s.member().id().equals(socket.member().id())).count();
      if (sockets.size() >= maxSocketsPerRoom) {
        refusal = "room " + roomId + " has its maximum of " + maxSocketsPerRoom + " event sockets";
      } else if (ofMember >= maxSocketsPerMember) {
        refusal = "you have " + ofMember + " event sockets open, the maximum";
      } else {
        rooms.members().socketOpened(socket.member(), true); // presence to the others before this socket joins the fan-out
        sockets.add(socket);
      }
    }
    if (refusal != null) {
      LOG.info("event socket of member {} in room {} from {} refused: {}", socket.member().id(), roomId, socket.peer(),
          refusal);
      socket.close(RoomStatus.TOO_MANY_SOCKETS, refusal);
      return;
    }
    try {
      Object configuration = rooms.members().configuration(socket.member());
      socket.send(Json.write(new Snapshot("snapshot", configuration, overlay.annotations(roomId))));
    } catch (RoomException e) {
      socket.close(e.status(), e.getMessage());
    }
  }

  /** Each member's new URLs carry their own media token: one message per socket (rare: a media server went down). */
  private void sendMediaMoved(Set<EventSocket> sockets) {
    for (EventSocket socket : sockets) {
      try {
        var access = rooms.members().mediaAccess(socket.member());
        socket.send(Json.write(new MediaMoved("media-moved", access.mediaServer(), access.urls(),
            access.mediaTokenExpiresAt())));
      } catch (RoomException e) {
        LOG.debug("no new media URLs for member {}: {}", socket.member().id(), e.getMessage());
      }
    }
  }

  void closed(EventSocket socket) {
    Set<EventSocket> sockets = socketsByRoom.get(socket.member().roomId());
    if (sockets != null && sockets.remove(socket)) {
      rooms.members().socketOpened(socket.member(), false);
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
    if (event instanceof RoomEvent.MediaMoved) {
      sendMediaMoved(sockets);
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
