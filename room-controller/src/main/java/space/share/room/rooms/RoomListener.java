package space.share.room.rooms;

/**
 * Receives every {@link RoomEvent} of every room. Called under the room's lock, in order; must not
 * block (queue and return).
 */
@FunctionalInterface
public interface RoomListener {
  void onEvent(String roomId, RoomEvent event);
}
