package space.share.room.members;

/**
 * Media tokens the media server must refuse from now on: those of {@code memberId} in {@code roomId}, or of
 * everyone in the room when {@code memberId} is null (a deleted room). {@code untilEpochSeconds} is the latest expiry
 * such a token can have; the media server forgets the revocation after it.
 */
public record Revocation(String roomId, String memberId, long untilEpochSeconds) {}
