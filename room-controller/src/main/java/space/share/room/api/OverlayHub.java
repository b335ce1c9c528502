package space.share.room.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.room.members.Member;
import space.share.room.overlay.AnnotationBoard;
import space.share.room.overlay.OverlayMessage;
import space.share.room.overlay.Stroke;
import space.share.room.overlay.TokenBucket;
import space.share.room.rooms.ControlService;
import space.share.room.rooms.RoomEvent;
import space.share.room.status.RoomException;
import space.share.room.status.RoomStatus;

/**
 * What members send on the room event socket: annotation strokes (kept per room for late joiners,
 * broadcast to everyone) and the control holder's pointer (broadcast to the others, coalesced per socket).
 * Every refusal is an {@code error} message to the sender and a debug line naming member and peer; the
 * socket stays open and nobody else is affected.
 *
 * <p>Threading: {@link #received} runs on the sockets' Jetty threads. A room's strokes are changed and
 * broadcast under that room's overlay lock, so every socket sees one room's strokes and clears in one
 * order. Lock order: an overlay lock may be held while a room lock (a room service's) is taken ({@link
 * EventSocket#send} closing a too-slow socket reports it to the room services), never the other way round:
 * {@link #onEvent} (called under a room service's room lock) takes no overlay lock. Cursor messages take no room lock at all:
 * whether the sender holds control is asked of ControlService, and a cursor that races a change of control
 * is dropped by the pages (they draw a cursor only for the holder they know).
 */
final class OverlayHub {
  private static final Logger LOG = LoggerFactory.getLogger(OverlayHub.class);
  /** Longer messages are refused with payload_too_large; Jetty closes the socket above {@link #MAX_FRAME_CHARS}. */
  static final int MAX_MESSAGE_CHARS = 32 * 1024;
  static final int MAX_FRAME_CHARS = 64 * 1024;
  static final int MAX_STROKES_PER_ROOM = 200;
  static final int MAX_POINTS_PER_ROOM = 20_000;
  static final int DRAWING_PER_SECOND = 20;
  static final int DRAWING_BURST = 40;
  static final int CURSORS_PER_SECOND = 60;
  static final int CURSOR_BURST = 20;
  static final int ERRORS_PER_SECOND = 5;
  static final int ERROR_BURST = 10;

  private final ControlService control;
  private final Function<String, Collection<EventSocket>> socketsOf;
  private final LongSupplier nowMs;
  private final Map<String, RoomOverlay> overlays = new ConcurrentHashMap<>();

  /** A room's strokes (guarded by the instance's monitor) and its members' rate limits. */
  private static final class RoomOverlay {
    final AnnotationBoard board = new AnnotationBoard(MAX_STROKES_PER_ROOM, MAX_POINTS_PER_ROOM);
    final Map<String, MemberLimits> limits = new ConcurrentHashMap<>();
    /** Whose pointer the others may be showing; null when none. */
    volatile String cursorMemberId;
    volatile boolean deleted;
  }

  /** One member's buckets (shared by their sockets); guarded by the instance's monitor. */
  private static final class MemberLimits {
    final TokenBucket drawing = new TokenBucket(DRAWING_PER_SECOND, DRAWING_BURST);
    final TokenBucket cursor = new TokenBucket(CURSORS_PER_SECOND, CURSOR_BURST);
    final TokenBucket errors = new TokenBucket(ERRORS_PER_SECOND, ERROR_BURST);
    long droppedCursors;
    long droppedErrors;
  }

  record ErrorMessage(String type, String error, String message, String ref, String id) {}

  record Cleared(String type, String author, Boolean all, String by) {}

  record CursorAt(String type, String memberId, String name, double x, double y) {}

  record CursorGone(String type, String memberId) {}

  /**
   * @param socketsOf a room's open event sockets (a live view; iterated, never changed here)
   * @param nowMs a monotonic millisecond clock for the rate limits
   */
  OverlayHub(ControlService control, Function<String, Collection<EventSocket>> socketsOf, LongSupplier nowMs) {
    this.control = control;
    this.socketsOf = socketsOf;
    this.nowMs = nowMs;
  }

  /** The room's kept strokes, oldest first, for a snapshot. */
  List<Stroke> annotations(String roomId) {
    RoomOverlay overlay = overlays.get(roomId);
    if (overlay == null) {
      return List.of();
    }
    synchronized (overlay) {
      return overlay.board.strokes();
    }
  }

  /** One text message from a member's event socket. */
  void received(EventSocket socket, String text) {
    Member member = socket.member();
    RoomOverlay overlay = overlays.computeIfAbsent(member.roomId(), id -> new RoomOverlay());
    MemberLimits limits = overlay.limits.computeIfAbsent(member.id(), id -> new MemberLimits());
    if (text.length() > MAX_MESSAGE_CHARS) {
      refuse(socket, limits, null, null, new RoomException(RoomStatus.PAYLOAD_TOO_LARGE,
          "a message has at most " + MAX_MESSAGE_CHARS + " characters (got " + text.length() + ")"));
      return;
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      refuse(socket, limits, null, null, new RoomException(RoomStatus.BAD_REQUEST, "a message must be JSON"));
      return;
    }
    String type = node != null && node.path("type").isTextual() ? node.path("type").asText() : null;
    String id = node != null && node.path("id").isTextual() ? node.path("id").asText() : null;
    OverlayMessage message;
    try {
      message = OverlayMessage.parse(node);
    } catch (RoomException e) {
      refuse(socket, limits, type, id, e);
      return;
    }
    try {
      if (message instanceof OverlayMessage.Cursor cursor) {
        cursor(socket, overlay, limits, cursor);
      } else if (message instanceof OverlayMessage.CursorGone) {
        if (member.id().equals(overlay.cursorMemberId)) {
          cursorGone(member.roomId(), overlay, member.id());
        }
      } else {
        drawing(socket, overlay, limits, message);
      }
    } catch (RoomException e) {
      refuse(socket, limits, type, id, e);
    }
  }

  private void cursor(EventSocket socket, RoomOverlay overlay, MemberLimits limits, OverlayMessage.Cursor cursor) {
    Member member = socket.member();
    if (!control.holdsControl(member.roomId(), member.id())) {
      throw new RoomException(RoomStatus.NOT_IN_CONTROL, "only the member in control shares a pointer; request control first");
    }
    synchronized (limits) {
      if (!limits.cursor.tryTake(nowMs.getAsLong())) {
        limits.droppedCursors++; // over the rate: dropped quietly, the next one carries the position anyway
        return;
      }
    }
    overlay.cursorMemberId = member.id();
    String json = Json.write(new CursorAt("cursor", member.id(), member.name(), cursor.x(), cursor.y()));
    for (EventSocket other : socketsOf.apply(member.roomId())) {
      if (!other.member().id().equals(member.id())) {
        other.sendCursor(json);
      }
    }
  }

  private void drawing(EventSocket socket, RoomOverlay overlay, MemberLimits limits, OverlayMessage message) {
    Member member = socket.member();
    boolean clearAll = message instanceof OverlayMessage.Clear clear && clear.all();
    // Asked before the overlay lock is taken (lock order, see the class doc), and only when it matters.
    boolean mayClearAll = clearAll && (member.owner() || control.holdsControl(member.roomId(), member.id()));
    synchronized (limits) {
      if (!limits.drawing.tryTake(nowMs.getAsLong())) {
        throw new RoomException(RoomStatus.RATE_LIMITED, "at most " + DRAWING_PER_SECOND + " drawing messages a second; this one was dropped");
      }
    }
    synchronized (overlay) {
      if (overlay.deleted) {
        return;
      }
      if (message instanceof OverlayMessage.Annotate a) {
        Stroke stroke = new Stroke(a.id(), member.id(), member.name(), a.tool(), a.color(), a.width(), a.points());
        int evicted = overlay.board.put(stroke);
        if (evicted > 0) {
          LOG.debug("room {}: {} oldest stroke(s) dropped to keep {} strokes / {} points", member.roomId(), evicted,
              MAX_STROKES_PER_ROOM, MAX_POINTS_PER_ROOM);
        }
        broadcast(member.roomId(), Json.write(stroke));
      } else if (clearAll) {
        if (!mayClearAll) {
          throw new RoomException(RoomStatus.FORBIDDEN, "only the room owner or the member in control can clear everyone's drawings");
        }
        int count = overlay.board.clearAll();
        LOG.debug("room {}: member {} cleared all {} stroke(s)", member.roomId(), member.id(), count);
        broadcast(member.roomId(), Json.write(new Cleared("annotations-cleared", null, true, member.id())));
      } else if (message instanceof OverlayMessage.Clear) {
        overlay.board.clearAuthor(member.id());
        broadcast(member.roomId(), Json.write(new Cleared("annotations-cleared", member.id(), null, member.id())));
      }
    }
  }

  private void broadcast(String roomId, String json) {
    for (EventSocket socket : socketsOf.apply(roomId)) {
      socket.send(json);
    }
  }

  private void cursorGone(String roomId, RoomOverlay overlay, String memberId) {
    overlay.cursorMemberId = null;
    String json = Json.write(new CursorGone("cursor-gone", memberId));
    for (EventSocket socket : socketsOf.apply(roomId)) {
      if (!socket.member().id().equals(memberId)) {
        socket.sendCursorGone(json);
      }
    }
  }

  private void refuse(EventSocket socket, MemberLimits limits, String ref, String id, RoomException error) {
    Member member = socket.member();
    boolean answer;
    synchronized (limits) {
      answer = limits.errors.tryTake(nowMs.getAsLong());
      if (!answer) {
        limits.droppedErrors++;
      }
    }
    if (!answer) {
      return; // a flood of bad messages gets a few answers a second, not one each
    }
    LOG.debug("event socket message {} from member {} of room {} at {} refused: {} ({})", ref, member.id(), member.roomId(),
        socket.peer(), error.status().code(), error.getMessage());
    socket.send(Json.write(new ErrorMessage("error", error.status().code(), error.getMessage(), ref, id)));
  }

  /**
   * Room events that end a pointer or a room's strokes. Called under the room's lock: takes
   * no overlay lock (see the class doc), only queues.
   */
  void onEvent(String roomId, RoomEvent event) {
    RoomOverlay overlay = overlays.get(roomId);
    if (overlay == null) {
      return;
    }
    if (event instanceof RoomEvent.ControlChanged changed) {
      String shown = overlay.cursorMemberId;
      if (shown != null && !shown.equals(changed.holder())) {
        cursorGone(roomId, overlay, shown);
      }
    } else if (event instanceof RoomEvent.MemberLeft left) {
      overlay.limits.remove(left.memberId());
    } else if (event instanceof RoomEvent.RoomDeleted) {
      overlays.remove(roomId);
      overlay.deleted = true; // read under the overlay lock; a stroke racing the deletion goes nowhere anyway
    }
  }

  /** A socket closed: if its member's pointer is shown and they have no other socket, it goes. */
  void socketClosed(EventSocket socket) {
    Member member = socket.member();
    RoomOverlay overlay = overlays.get(member.roomId());
    if (overlay == null || !member.id().equals(overlay.cursorMemberId)) {
      return;
    }
    boolean stillHere = socketsOf.apply(member.roomId()).stream().anyMatch(s -> s.member().id().equals(member.id()));
    if (!stillHere) {
      cursorGone(member.roomId(), overlay, member.id());
    }
  }
}
