package space.share.media.stream;

/** A publish attempt that must be refused: the message names the reason for the log and the publisher. */
public final class PublishRejectedException extends Exception {
  public PublishRejectedException(String message) {
    super(message);
  }
}
