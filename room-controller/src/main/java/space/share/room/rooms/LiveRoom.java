package space.share.room.rooms;

import java.util.HashMap;
import java.util.Map;
import space.share.room.control.ControlState;

/**
 * One room's live state, in memory only (it starts empty after a restart): who holds control and who asked, the
 * stream and the parts' states, the open share session and control grant rows, who is online. Every field is guarded
 * by the instance's monitor; a room service holds it while it changes a room and emits that room's events
 * ({@link RoomRegistry#emit}).
 */
final class LiveRoom {
  final Room room;
  final ControlState control;
  long controlGrantId;
  StreamStatus stream;
  long shareSessionId;
  boolean mediaReachable;
  boolean vncReachable;
  DesktopState desktop = DesktopState.NONE;
  final Map<String, Integer> openSocketsByMember = new HashMap<>();

  LiveRoom(Room room, long idlePassMs) {
    this.room = room;
    this.control = new ControlState(idlePassMs);
  }

  RoomViews.Control controlView() {
    return new RoomViews.Control(control.holderId(), control.pending());
  }

  RoomParts parts() {
    return new RoomParts(desktop, stream != null && stream.live(), mediaReachable, vncReachable);
  }
}
