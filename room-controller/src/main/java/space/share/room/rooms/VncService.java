package space.share.room.rooms;

import space.share.room.members.Member;
import space.share.room.status.RoomException;
import space.share.room.status.RoomStatus;
import space.share.room.token.VncTokens;
import space.share.room.vnc.VncEndpoint;

/**
 * The seed's GetVncToken and what a token opens: a one-use token for the member holding control, consumed by the
 * VNC WebSocket for that room's VNC server (with its password). Control passing voids the old holder's tokens
 * ({@link ControlService}).
 */
public final class VncService {
  /** What a VNC connection may open: the member it is for and the room's VNC server (with its password). */
  public record VncTarget(String roomId, String memberId, VncEndpoint endpoint) {}

  private final RoomRegistry rooms;
  private final VncTokens vncTokens;
  private final DesktopManager desktops;
  private final RoomSettings settings;

  VncService(RoomRegistry rooms, VncTokens vncTokens, DesktopManager desktops, RoomSettings settings) {
    this.rooms = rooms;
    this.vncTokens = vncTokens;
    this.desktops = desktops;
    this.settings = settings;
  }

  /** GetVncToken: only for the member holding control. */
  public RoomViews.VncToken vncToken(Member member) {
    requireHolder(rooms.live(member.roomId()), member.id(), "request control first: only the holder gets a VNC token");
    String token = vncTokens.issue(member.roomId(), member.id());
    String url = RoomSettings.webSocketBase(settings.publicUrl()) + "/rooms/" + member.roomId() + "/vnc?token=" + token;
    return new RoomViews.VncToken(token, url, vncTokens.ttlMs());
  }

  /**
   * Consumes a VNC token for a connection to {@code roomId}'s VNC server.
   *
   * @throws RoomException VNC_TOKEN_INVALID, ROOM_DELETED / NOT_FOUND, NOT_IN_CONTROL, VNC_UNAVAILABLE
   */
  public VncTarget openVnc(String roomId, String token) {
    VncTokens.Grant grant = vncTokens.consume(token, roomId).orElseThrow(() -> new RoomException(
        RoomStatus.VNC_TOKEN_INVALID, "VNC token unknown, used, expired or for another room"));
    requireHolder(rooms.live(roomId), grant.memberId(), "control has passed to another member");
    VncEndpoint endpoint = desktops.vncEndpoint(roomId)
        .orElseThrow(() -> new RoomException(RoomStatus.VNC_UNAVAILABLE, "room " + roomId + " has no VNC server"));
    return new VncTarget(roomId, grant.memberId(), endpoint);
  }

  private static void requireHolder(LiveRoom live, String memberId, String refusal) {
    synchronized (live) {
      if (!live.control.isHolder(memberId)) {
        throw new RoomException(RoomStatus.NOT_IN_CONTROL, refusal);
      }
    }
  }
}
