package space.share.room.rooms;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import space.share.room.members.MemberView;

/** The JSON shapes the room service hands to the API. Immutable values. */
public final class RoomViews {
  private RoomViews() {}

  private static final int MAX_NAME_CHARS = 100;

  /** An epoch time as ISO-8601, or null for 0 (not yet / never). */
  static String iso(long epochMs) {
    return epochMs == 0 ? null : java.time.Instant.ofEpochMilli(epochMs).toString();
  }

  /** A room's or member's name: 1 to 100 printable characters, stripped; refuses with BAD_REQUEST naming the field. */
  static String requireName(String name, String field) {
    if (name == null || name.isBlank() || name.length() > MAX_NAME_CHARS || name.chars().anyMatch(Character::isISOControl)) {
      throw new space.share.room.status.RoomException(space.share.room.status.RoomStatus.BAD_REQUEST,
          field + " must be 1 to " + MAX_NAME_CHARS + " printable characters");
    }
    return name.strip();
  }

  /**
   * What the admin sees of a room: everything but the passcode (kept only as a hash). {@code publishUrl} is on the
   * media server the room is placed on ({@code mediaServer}); it changes when the room moves.
   */
  public record AdminRoom(String id, String name, String createdAt, String ownerMemberId, String streamKey,
      String publishUrl, String mediaServer, RoomParts parts, Control control, int memberCount) {}

  /** Room creation: the passcode is shown this once; the owner session is the creator's. */
  public record CreatedRoom(AdminRoom room, String passcode, Session owner) {}

  /** A member session: the bearer token for API calls and the event socket, and the room as they see it. */
  public record Session(String memberId, String token, String expiresAt, Configuration room) {}

  /** GetConfiguration: all a member may see; never the passcode or the stream key. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Configuration(String id, String name, MemberView you, Urls urls, String mediaTokenExpiresAt,
      RoomParts parts, StreamStatus stream, Control control, List<MemberView> members) {}

  /** feed and playlist carry the member's media token; vnc needs a VNC token appended ({@code ?token=}). */
  public record Urls(String feed, String playlist, String events, String vnc) {}

  /** A member's way to the room's stream: the server carrying it, feed and playlist URLs with a fresh media token. */
  public record MediaAccess(String mediaServer, Urls urls, String mediaTokenExpiresAt) {}

  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Control(String holder, List<String> pending) {}

  /** GetVncToken: one use, for {@code expiresInMs}; {@code url} is ready for noVNC. */
  public record VncToken(String token, String url, long expiresInMs) {}

  public record History(String roomId, List<ShareSession> shareSessions, List<ControlGrant> controlGrants) {}

  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record ShareSession(String startedAt, String endedAt, Integer width, Integer height, Double frameRate, String codecs) {}

  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record ControlGrant(String memberId, String memberName, String reason, String acquiredAt, String releasedAt) {}
}
