package space.share.media.ingest.flv;

/**
 * A publisher sent something we cannot turn into CMAF: either malformed bytes or a well-formed feature we do not
 * support (another codec, say). The message is meant for the log line naming the publisher.
 */
public final class MediaFormatException extends Exception {
  private final boolean unsupported;

  private MediaFormatException(String message, boolean unsupported) {
    super(message);
    this.unsupported = unsupported;
  }

  public static MediaFormatException malformed(String message) {
    return new MediaFormatException("malformed: " + message, false);
  }

  public static MediaFormatException unsupported(String message) {
    return new MediaFormatException("unsupported: " + message, true);
  }

  /** True when the input was well formed but uses a feature we refuse, false when it was broken. */
  public boolean isUnsupported() {
    return unsupported;
  }
}
