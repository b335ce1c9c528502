package space.share.room.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.room.members.Member;
import space.share.room.rooms.RoomEvent;
import space.share.room.rooms.RoomServices;
import space.share.room.rooms.VncService;
import space.share.room.status.RoomException;
import space.share.room.status.RoomStatus;
import space.share.room.store.StoreException;
import space.share.room.vnc.VncBridge;
import space.share.room.vnc.VncBridges;

/**
 * The room WebSockets: {@code /rooms/{id}/events?token=<member token>} and
 * {@code /rooms/{id}/vnc?token=<VNC token>} (subprotocol {@code binary}, as noVNC asks).
 *
 * <p>Refusals complete the upgrade and close at once with the {@link RoomStatus} close code, because a
 * browser's WebSocket API shows close codes but hides HTTP statuses. A refused VNC socket never gets a
 * TCP connection to the VNC server. Thread-safe.
 */
public final class RoomSockets implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RoomSockets.class);
  private static final int MAX_CLOSE_REASON_BYTES = 120;

  private final RoomServices rooms;
  private final VncBridges bridges;
  private final EventHub hub;
  private final Duration vncIdleTimeout;

  /**
   * Event sockets of a member session close when it expires (by the room service's clock).
   *
   * @param maxEventSocketsPerMember event sockets one member may hold open at once
   * @param maxEventSocketsPerRoom event sockets of one room at once
   * @param eventScheduler single-threaded: event socket pings and expiry checks; owned from here on
   */
  public RoomSockets(RoomServices rooms, VncBridges bridges, Duration vncIdleTimeout, Duration eventPingInterval,
      int maxEventSocketsPerMember, int maxEventSocketsPerRoom, ScheduledExecutorService eventScheduler) {
    this.rooms = rooms;
    this.bridges = bridges;
    this.vncIdleTimeout = vncIdleTimeout;
    this.hub = new EventHub(rooms, eventPingInterval, () -> System.nanoTime() / 1_000_000, maxEventSocketsPerMember,
        maxEventSocketsPerRoom, eventScheduler);
    rooms.registry().addListener(hub);
    rooms.registry().addListener((roomId, event) -> {
      if (event instanceof RoomEvent.ControlChanged changed) {
        bridges.onControlChanged(roomId, changed.holder());
      } else if (event instanceof RoomEvent.RoomDeleted) {
        bridges.onRoomDeleted(roomId);
      }
    });
  }

  @Override
  public void close() {
    hub.close();
  }

  /** Closes the event sockets of expired member sessions now (also done every second); returns how many. */
  public int closeExpiredEventSockets() {
    return hub.closeExpired();
  }

  /** Adds the two mappings to a container. */
  public void configure(ServerWebSocketContainer container) {
    container.setMaxTextMessageSize(4096);
    container.setMaxBinaryMessageSize(1024 * 1024);
    container.addMapping("regex|^/rooms/[^/]+/events$", (request, response, callback) -> events(request));
    container.addMapping("regex|^/rooms/[^/]+/vnc$", (request, response, callback) -> {
      if (request.hasSubProtocol("binary")) {
        response.setAcceptedSubProtocol("binary");
      }
      return vnc(request);
    });
  }

  private Object events(ServerUpgradeRequest request) {
    String roomId = roomId(request);
    String peer = peer(request);
    try {
      Member member = rooms.members().authenticate(roomId, token(request));
      LOG.debug("event socket for member {} of room {} from {}", member.id(), roomId, peer);
      return new EventSocket(member, peer, hub);
    } catch (RoomException e) {
      return refuse(e, request, peer);
    } catch (StoreException e) {
      return refuse(new RoomException(RoomStatus.INTERNAL_ERROR, "database error", e), request, peer);
    }
  }

  private Object vnc(ServerUpgradeRequest request) {
    String roomId = roomId(request);
    String peer = peer(request);
    try {
      VncService.VncTarget target = rooms.vnc().openVnc(roomId, token(request));
      VncBridge bridge = bridges.newBridge(target.roomId(), target.memberId(), peer, target.endpoint(), new VncBridge.Owner() {
        @Override
        public void onInput(VncBridge b) {
          rooms.control().noteInput(b.roomId(), b.memberId());
        }

        @Override
        public void onClosed(VncBridge b) {}

        @Override
        public boolean stillAllowed(VncBridge b) {
          return rooms.control().holdsControl(b.roomId(), b.memberId());
        }
      });
      return new IdleConfigured(bridge, vncIdleTimeout.plusSeconds(30));
    } catch (RoomException e) {
      return refuse(e, request, peer);
    }
  }

  /** Jetty's own idle timeout stays a backstop behind {@link VncBridges}' (which closes with 4408). */
  public record IdleConfigured(VncBridge bridge, Duration jettyIdleTimeout) implements Session.Listener {
    @Override
    public void onWebSocketOpen(Session session) {
      session.setIdleTimeout(jettyIdleTimeout);
      bridge.onWebSocketOpen(session);
    }

    @Override
    public void onWebSocketBinary(java.nio.ByteBuffer payload, Callback callback) {
      bridge.onWebSocketBinary(payload, callback);
    }

    @Override
    public void onWebSocketText(String message) {
      bridge.onWebSocketText(message);
    }

    @Override
    public void onWebSocketPing(java.nio.ByteBuffer payload) {
      bridge.onWebSocketPing(payload);
    }

    @Override
    public void onWebSocketPong(java.nio.ByteBuffer payload) {
      bridge.onWebSocketPong(payload);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
      bridge.onWebSocketClose(statusCode, reason);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      bridge.onWebSocketError(cause);
    }
  }

  private static Session.Listener refuse(RoomException e, Request request, String peer) {
    RoomStatus status = e.status();
    String path = Request.getPathInContext(request);
    if (status.isClientError()) {
      LOG.info("refused WebSocket {} from {}: {} ({})", path, peer, status.code(), e.getMessage());
    } else {
      LOG.error("refused WebSocket {} from {}: {} ({})", path, peer, status.code(), e.getMessage(), e.getCause());
    }
    String reason = truncate(status.code() + ": " + e.getMessage());
    return new Refusal(status.closeCode(), reason);
  }

  /** Closes the socket as soon as it opens. Public: Jetty binds listener methods of public classes. */
  public static final class Refusal implements Session.Listener.AutoDemanding {
    private final int closeCode;
    private final String reason;

    Refusal(int closeCode, String reason) {
      this.closeCode = closeCode;
      this.reason = reason;
    }

    @Override
    public void onWebSocketOpen(Session session) {
      session.close(closeCode, reason, Callback.NOOP);
    }
  }

  private static String truncate(String reason) {
    byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_CLOSE_REASON_BYTES) {
      return reason;
    }
    return new String(bytes, 0, MAX_CLOSE_REASON_BYTES, StandardCharsets.US_ASCII).replaceAll("[^\\x20-\\x7e]", "?");
  }

  private static String roomId(Request request) {
    String[] segments = Request.getPathInContext(request).split("/");
    return segments.length > 2 ? segments[2] : "";
  }

  private static String token(Request request) {
    Fields query = Request.extractQueryParameters(request);
    return query.getValue("token");
  }

  private static String peer(Request request) {
    return Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
  }
}
