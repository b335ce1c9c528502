package space.share.room.store;

/** A database failure; the API reports it as an internal error and logs the cause. */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
