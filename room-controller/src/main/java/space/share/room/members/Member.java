package space.share.room.members;

/** An authenticated member session of a room. Immutable. */
public record Member(String id, String roomId, String name, boolean owner, long joinedAtMs, long expiresAtMs) {}
