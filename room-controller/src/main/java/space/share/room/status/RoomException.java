package space.share.room.status;

/** A refusal with its {@link RoomStatus}; the message is shown to the peer, so it names no secrets. */
public final class RoomException extends RuntimeException {
  private final RoomStatus status;
  private final long retryAfterSeconds;

  public RoomException(RoomStatus status, String message) {
    this(status, message, 0);
  }

  public RoomException(RoomStatus status, String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public RoomException(RoomStatus status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.retryAfterSeconds = 0;
  }

  public RoomStatus status() {
    return status;
  }

  /** For {@link RoomStatus#TOO_MANY_ATTEMPTS}: when to try again, else 0. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
