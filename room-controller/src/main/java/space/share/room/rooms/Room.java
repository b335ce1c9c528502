package space.share.room.rooms;

/** A room as the store keeps it. Immutable. {@code ownerMemberId} is the member session of its creator. */
public record Room(String id, String name, String ownerMemberId, long createdAtMs) {}
