package space.share.media.status;

/**
 * Every refusal the media server gives on the wire: one place for its HTTP status, WebSocket close code and the
 * error code clients see in {@code {"error": ..., "message": ...}}.
 */
public enum MediaStatus {
  /** {@code GET /metrics} without the metrics token. */
  UNAUTHORIZED(401, 0, "unauthorized"),
  FORBIDDEN(403, 4403, "forbidden"),
  NOT_FOUND(404, 4404, "not_found"),
  BAD_REQUEST(400, 4400, "bad_request"),
  METHOD_NOT_ALLOWED(405, 0, "method_not_allowed"),
  VIEWER_TOO_SLOW(0, 4008, "viewer_too_slow"),
  /** LL-HLS: a blocking playlist reload outlasted three target durations (RFC 8216bis 6.2.5.2). */
  PLAYLIST_TIMEOUT(503, 0, "playlist_timeout"),
  SHUTTING_DOWN(503, 1001, "shutting_down");

  private final int httpStatus;
  private final int closeCode;
  private final String code;

  MediaStatus(int httpStatus, int closeCode, String code) {
    this.httpStatus = httpStatus;
    this.closeCode = closeCode;
    this.code = code;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public int closeCode() {
    return closeCode;
  }

  public String code() {
    return code;
  }
}
