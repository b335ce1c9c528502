package space.share.media.cmaf;

/**
 * A CMAF header ({@code ftyp} + {@code moov}) and what a player must know to open a SourceBuffer for it.
 *
 * @param bytes the init segment; never modified
 * @param codecs RFC 6381 codecs, e.g. {@code avc1.64001f,mp4a.40.2}
 * @param width 0 without video
 * @param height 0 without video
 * @param frameRate frames per second as announced or assumed, 0 without video
 */
public record InitSegment(byte[] bytes, String codecs, int width, int height, double frameRate, boolean hasVideo,
    boolean hasAudio) {

  /** The MIME type for {@code MediaSource.isTypeSupported} / {@code addSourceBuffer}. */
  public String mimeType() {
    return "video/mp4; codecs=\"" + codecs + "\"";
  }
}
