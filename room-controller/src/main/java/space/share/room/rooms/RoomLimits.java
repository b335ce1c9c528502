package space.share.room.rooms;

/**
 * The room service's caps, from config.
 *
 * @param maxRooms live rooms at most ({@code room.max-rooms}); CreateRoom beyond it is refused with 409 too_many_rooms
 * @param maxMembersPerRoom active member sessions per room at most ({@code room.members.max-per-room}); a join
 *     beyond it is refused with 409 room_full. Joins with the admin credential (the owner) are not counted against it.
 */
public record RoomLimits(int maxRooms, int maxMembersPerRoom) {
  public static final RoomLimits DEFAULTS = new RoomLimits(100, 100);

  public RoomLimits {
    if (maxRooms < 1 || maxMembersPerRoom < 1) {
      throw new IllegalArgumentException("room limits must be positive: " + maxRooms + ", " + maxMembersPerRoom);
    }
  }
}
