package space.share.media.samples;

/**
 * An H.264 decoder configuration: the AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.3.3) as the publisher sent
 * it, and what was read from its first SPS.
 *
 * @param avcDecoderConfigurationRecord the avcC payload, written unchanged into the init segment
 * @param width displayed width in pixels (after SPS cropping)
 * @param height displayed height in pixels (after SPS cropping)
 * @param codec the RFC 6381 codec string, {@code avc1.PPCCLL}
 */
public record VideoConfig(byte[] avcDecoderConfigurationRecord, int width, int height, String codec) {
  public VideoConfig {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("picture size " + width + "x" + height);
    }
  }
}
