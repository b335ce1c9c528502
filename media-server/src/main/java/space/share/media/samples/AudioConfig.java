package space.share.media.samples;

/**
 * An AAC decoder configuration: the AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1) as the publisher sent it.
 *
 * @param audioSpecificConfig written unchanged into the init segment's esds
 * @param sampleRateHz the sampling frequency of the core decoder, which is also the audio track's timescale
 * @param channelCount from channelConfiguration
 * @param codec the RFC 6381 codec string, {@code mp4a.40.<audioObjectType>}
 */
public record AudioConfig(byte[] audioSpecificConfig, int sampleRateHz, int channelCount, String codec) {
  /** AAC frames carry 1024 samples per channel (960-sample framing is not used by RTMP publishers). */
  public static final int SAMPLES_PER_FRAME = 1024;

  public AudioConfig {
    // The sample rate is the track's timescale: every duration divides by it.
    if (sampleRateHz <= 0 || channelCount <= 0) {
      throw new IllegalArgumentException("sampleRateHz " + sampleRateHz + ", channelCount " + channelCount);
    }
  }
}
