package space.share.media.samples;

/**
 * What a publisher said about its stream in {@code onMetaData}; every field may be absent (0).
 *
 * @param frameRate frames per second, or 0 when not given
 * @param videoBitrateKbps or 0
 * @param encoder the encoder's name, or an empty string
 */
public record StreamMetadata(double frameRate, double videoBitrateKbps, String encoder) {
  public static final StreamMetadata NONE = new StreamMetadata(0, 0, "");
}
