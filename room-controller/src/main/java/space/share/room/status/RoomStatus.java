package space.share.room.status;

/**
 * Every outcome the room controller reports to a peer, with its wire codes: the HTTP status and JSON
 * {@code error} code of the API, and the close code of the room WebSockets (events and VNC). The one
 * vocabulary of refusals for all stages; {@link ErrorRenderer} is the one place that turns it into bytes.
 */
public enum RoomStatus {
  BAD_REQUEST(400, 4400, "bad_request", true),
  /** No token, or a token nobody issued. */
  UNAUTHORIZED(401, 4401, "unauthorized", true),
  /** A member token past its expiry; also closes the member's open event sockets when the session expires. */
  TOKEN_EXPIRED(401, 4401, "token_expired", true),
  WRONG_PASSCODE(403, 4403, "wrong_passcode", true),
  /** A valid token for another room, a member calling an admin API, a non-owner taking control. */
  FORBIDDEN(403, 4403, "forbidden", true),
  /** The call needs the member to hold control (give, VNC token, VNC connection). */
  NOT_IN_CONTROL(403, 4403, "not_in_control", true),
  /** A VNC token that is unknown, already used, expired, or for another room. */
  VNC_TOKEN_INVALID(403, 4403, "vnc_token_invalid", true),
  NOT_FOUND(404, 4404, "not_found", true),
  METHOD_NOT_ALLOWED(405, 4405, "method_not_allowed", true),
  /** Room id already taken (ids of deleted rooms stay taken: their stream keys cannot be revoked). */
  CONFLICT(409, 4409, "conflict", true),
  /** Control passed to another member: the VNC connection of the previous holder is closed with this. */
  CONTROL_LOST(409, 4409, "control_lost", true),
  /** The room has its maximum of active member sessions ({@code room.members.max-per-room}). */
  ROOM_FULL(409, 4409, "room_full", true),
  /** CreateRoom while the maximum of live rooms exists ({@code room.max-rooms}). */
  TOO_MANY_ROOMS(409, 4409, "too_many_rooms", true),
  ROOM_DELETED(410, 4410, "room_deleted", true),
  PAYLOAD_TOO_LARGE(413, 4413, "payload_too_large", true),
  TOO_MANY_ATTEMPTS(429, 4429, "too_many_attempts", true),
  /** A member sent drawing messages on the event socket faster than allowed (answered, never closed). */
  RATE_LIMITED(429, 4429, "rate_limited", true),
  /**
   * An event or VNC socket over its cap (event sockets per member and per room, VNC sockets per room): closed at
   * once after the upgrade, like every refusal of a socket.
   */
  TOO_MANY_SOCKETS(429, 4429, "too_many_sockets", true),
  /** The event socket could not keep up with the room's events. */
  TOO_SLOW(503, 4008, "too_slow", true),
  /** The VNC connection saw no byte in either direction for the idle timeout. */
  IDLE_TIMEOUT(408, 4408, "idle_timeout", true),
  INTERNAL_ERROR(500, 1011, "internal_error", false),
  /** The room's VNC server is not known or refused/timed out the TCP connection. */
  VNC_UNAVAILABLE(502, 4502, "vnc_unavailable", false),
  SHUTTING_DOWN(503, 1001, "shutting_down", false),
  /** Too many passcode checks running and waiting already (bcrypt is capped per core): retry after Retry-After. */
  BUSY(503, 1013, "busy", true),
  /** Several media servers are configured and none answers its health check: a new room cannot be placed. */
  MEDIA_UNAVAILABLE(503, 1013, "media_unavailable", false);

  private final int httpStatus;
  private final int closeCode;
  private final String code;
  private final boolean clientError;

  RoomStatus(int httpStatus, int closeCode, String code, boolean clientError) {
    this.httpStatus = httpStatus;
    this.closeCode = closeCode;
    this.code = code;
    this.clientError = clientError;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** WebSocket close code (RFC 6455 private range 4000-4999 for ours, 1001/1011 from the RFC). */
  public int closeCode() {
    return closeCode;
  }

  /** The JSON {@code error} value. */
  public String code() {
    return code;
  }

  /** Client errors are logged at debug, server errors at error. */
  public boolean isClientError() {
    return clientError;
  }
}
