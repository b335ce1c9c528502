package space.share.room.rooms;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.List;
import space.share.room.members.MemberView;

/**
 * What the room event socket broadcasts; each serializes as one JSON text message with a {@code type}.
 * Immutable values, made under the room's lock so listeners see them in order.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(RoomEvent.MemberJoined.class),
  @JsonSubTypes.Type(RoomEvent.MemberLeft.class),
  @JsonSubTypes.Type(RoomEvent.Presence.class),
  @JsonSubTypes.Type(RoomEvent.ControlChanged.class),
  @JsonSubTypes.Type(RoomEvent.ControlRequested.class),
  @JsonSubTypes.Type(RoomEvent.StreamChanged.class),
  @JsonSubTypes.Type(RoomEvent.PartsChanged.class),
  @JsonSubTypes.Type(RoomEvent.RoomDeleted.class),
  @JsonSubTypes.Type(RoomEvent.MediaMoved.class),
})
@JsonInclude(JsonInclude.Include.ALWAYS)
public sealed interface RoomEvent {
  @JsonTypeName("member-joined")
  record MemberJoined(MemberView member) implements RoomEvent {}

  @JsonTypeName("member-left")
  record MemberLeft(String memberId) implements RoomEvent {}

  /** A member's first event socket opened ({@code online}) or their last one closed. */
  @JsonTypeName("presence")
  record Presence(String memberId, boolean online) implements RoomEvent {}

  /** Control changed hands; {@code holder} null means free. The previous holder's VNC is closed. */
  @JsonTypeName("control")
  record ControlChanged(String holder, String previousHolder, String reason, List<String> pending) implements RoomEvent {}

  /** A member asked for control while someone holds it: the holder may give it (or it passes when idle). */
  @JsonTypeName("control-requested")
  record ControlRequested(String memberId, String holder, List<String> pending) implements RoomEvent {}

  /** The room's stream went live ({@code status} has its resolution, codecs) or ended. */
  @JsonTypeName("stream")
  record StreamChanged(boolean live, StreamStatus status) implements RoomEvent {}

  @JsonTypeName("parts")
  record PartsChanged(RoomParts parts) implements RoomEvent {}

  @JsonTypeName("room-deleted")
  record RoomDeleted(String roomId) implements RoomEvent {}

  /**
   * The room's stream moved to media server {@code mediaServer} (its server went down). The event socket sends each
   * member their own new URLs instead ({@code media-moved} with {@code urls}: docs/room-api.md).
   */
  @JsonTypeName("media-moved")
  record MediaMoved(String mediaServer) implements RoomEvent {}
}
