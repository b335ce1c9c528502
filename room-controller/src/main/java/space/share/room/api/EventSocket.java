package space.share.room.api;

import java.util.ArrayDeque;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.room.members.Member;
import space.share.room.status.RoomStatus;
import space.share.web.GracefulClose;
import space.share.web.SendLoop;

/**
 * One member's room event socket: JSON text messages out; in, the member's drawing and pointer messages
 * (handed to {@link OverlayHub}). At most one send in flight and at most {@link #MAX_QUEUED_MESSAGES}
 * queued; a socket that falls further behind is closed with {@link RoomStatus#TOO_SLOW} (it can reconnect
 * and get a fresh snapshot) so it never holds the room back. The control holder's pointer positions do not
 * queue: one slot holds the latest, sent when the queue is empty, so a 60 Hz pointer can neither fill the
 * queue nor lag behind itself. Thread-safe: {@link #send} is called under room locks and only queues (and starts a
 * non-blocking write when none is in flight, {@link SendLoop}).
 */
public final class EventSocket implements Session.Listener.AutoDemanding, SendLoop.Source {
  private static final Logger LOG = LoggerFactory.getLogger(EventSocket.class);
  static final int MAX_QUEUED_MESSAGES = 256;

  private final Member member;
  private final String peer;
  private final EventHub hub;
  private final SendLoop sends = new SendLoop(this, Runnable::run);
  private final ArrayDeque<String> queue = new ArrayDeque<>();
  /** The latest pointer position not yet sent (replaced by newer ones); guarded by this. */
  private String pendingCursor;
  private Session session;
  private boolean closed;

  EventSocket(Member member, String peer, EventHub hub) {
    this.member = member;
    this.peer = peer;
    this.hub = hub;
  }

  Member member() {
    return member;
  }

  String peer() {
    return peer;
  }

  @Override
  public void onWebSocketOpen(Session session) {
    session.setIdleTimeout(hub.idleTimeout());
    // Above OverlayHub's own bound, so a long message gets its clear error; far above it Jetty closes (1009).
    session.setMaxTextMessageSize(OverlayHub.MAX_FRAME_CHARS);
    synchronized (this) {
      this.session = session;
    }
    hub.opened(this);
  }

  /** A WebSocket ping (a control frame: Jetty queues it beside the text frame in flight). */
  void ping() {
    Session target;
    synchronized (this) {
      target = closed ? null : session;
    }
    if (target != null) {
      target.sendPing(java.nio.ByteBuffer.allocate(0), Callback.NOOP);
    }
  }

  @Override
  public void onWebSocketText(String message) {
    hub.received(this, message);
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    markClosed();
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    LOG.debug("event socket error for member {} from {}: {}", member.id(), peer, cause.toString());
    markClosed();
  }

  private void markClosed() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      queue.clear();
      pendingCursor = null;
    }
    hub.closed(this);
  }

  /** Queues one JSON message; never blocks. */
  void send(String json) {
    Session target;
    synchronized (this) {
      if (closed || session == null) {
        return;
      }
      if (queue.size() < MAX_QUEUED_MESSAGES) {
        queue.addLast(json);
        target = null;
      } else {
        LOG.info("event socket of member {} from {} too slow: {} messages queued", member.id(), peer, queue.size());
        queue.clear();
        closed = true;
        target = session;
      }
    }
    if (target == null) {
      sends.request();
      return;
    }
    // The close frame waits behind the stuck write: a peer that reads nothing is disconnected after the grace.
    hub.closer().close(target, RoomStatus.TOO_SLOW.closeCode(), "too slow");
    hub.closed(this);
  }

  /** Sends a pointer position when the queue is empty; a newer one replaces it until then. Never blocks. */
  void sendCursor(String json) {
    synchronized (this) {
      if (closed || session == null) {
        return;
      }
      pendingCursor = json;
    }
    sends.request();
  }

  /** Queues a pointer's end; a position still waiting in the slot is dropped (it is older). */
  void sendCursorGone(String json) {
    synchronized (this) {
      pendingCursor = null;
    }
    send(json);
  }

  /** The oldest queued message, else the latest pointer position: called by {@link #sends} only. */
  @Override
  public boolean sendNext(Callback done) {
    String next;
    Session target;
    synchronized (this) {
      next = queue.pollFirst();
      if (next == null) {
        next = pendingCursor;
        pendingCursor = null;
      }
      if (next == null || closed) {
        return false;
      }
      target = session;
    }
    target.sendText(next, done);
    return true;
  }

  @Override
  public void sent() {
    // Nothing counted per message: the queue's bound is a count.
  }

  @Override
  public void failed(Throwable cause) {
    LOG.debug("event socket of member {} from {}: send failed: {}", member.id(), peer, cause.toString());
    markClosed();
  }

  /** Closes with {@code status}'s close code and the reason {@code "<error>: <message>"} (docs/room-api.md). */
  void close(RoomStatus status, String message) {
    Session target;
    synchronized (this) {
      target = session;
    }
    if (target != null) {
      // Jetty sends the close frame after frames already handed to it; queued ones are dropped.
      hub.closer().close(target, status.closeCode(), status.code() + ": " + message);
    }
  }
}
