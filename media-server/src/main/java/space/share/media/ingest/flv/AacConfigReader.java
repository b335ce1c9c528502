package space.share.media.ingest.flv;

import space.share.media.samples.AudioConfig;

/** Reads the fields we need from an AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1). */
final class AacConfigReader {
  /** ISO/IEC 14496-3 1.6.3.4, Table 1.18: samplingFrequencyIndex 0x0..0xC; 0xD and 0xE are reserved. */
  private static final int[] SAMPLING_FREQUENCIES_HZ = {
    96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350
  };
  private static final int ESCAPE_FREQUENCY_INDEX = 0xF;
  /** The highest rate of the table; also what browsers decode. The rate is the track's timescale. */
  static final int MAX_SAMPLE_RATE_HZ = 96_000;

  private AacConfigReader() {}

  static AudioConfig read(byte[] config) throws MediaFormatException {
    if (config.length < 2) {
      throw MediaFormatException.malformed("AudioSpecificConfig shorter than 2 bytes (ISO/IEC 14496-3 1.6.2.1)");
    }
    BitReader bits = new BitReader(config, 0, config.length);
    int audioObjectType = bits.readBits(5); // audioObjectType
    if (audioObjectType == 31) {
      audioObjectType = 32 + bits.readBits(6); // audioObjectTypeExt
    }
    int frequencyIndex = bits.readBits(4); // samplingFrequencyIndex
    int sampleRateHz = frequencyIndex == ESCAPE_FREQUENCY_INDEX ? explicitFrequency(bits) : frequencyAt(frequencyIndex);
    int channelConfiguration = bits.readBits(4); // channelConfiguration
    // 1 AAC Main, 2 AAC LC, 5 SBR (HE-AAC), 29 PS (HE-AACv2): what browsers decode from mp4a.40.x.
    if (audioObjectType != 1 && audioObjectType != 2 && audioObjectType != 5 && audioObjectType != 29) {
      throw MediaFormatException.unsupported("AAC audio object type " + audioObjectType);
    }
    if (channelConfiguration == 0) {
      // The layout is then in a program_config_element (14496-3 4.5.1.2), which browsers' mp4a decoders ignore.
      throw MediaFormatException.unsupported(
          "AAC channelConfiguration 0 (channels given by a program_config_element, ISO/IEC 14496-3 1.6.3.5)");
    }
    if (channelConfiguration > 7) {
      throw MediaFormatException.unsupported(
          "AAC channelConfiguration " + channelConfiguration + " (only 1-7, ISO/IEC 14496-3 1.6.3.5)");
    }
    int channelCount = channelConfiguration == 7 ? 8 : channelConfiguration;
    return new AudioConfig(config.clone(), sampleRateHz, channelCount, "mp4a.40." + audioObjectType);
  }

  /** samplingFrequency, a 24-bit rate after the escape index 0xF. */
  private static int explicitFrequency(BitReader bits) throws MediaFormatException {
    int sampleRateHz = bits.readBits(24);
    if (sampleRateHz == 0) {
      throw MediaFormatException.malformed("AAC samplingFrequency 0 Hz after samplingFrequencyIndex 0xF"
          + " (ISO/IEC 14496-3 1.6.2.1)");
    }
    if (sampleRateHz > MAX_SAMPLE_RATE_HZ) {
      throw MediaFormatException.unsupported("AAC samplingFrequency " + sampleRateHz + " Hz (at most "
          + MAX_SAMPLE_RATE_HZ + ")");
    }
    return sampleRateHz;
  }

  private static int frequencyAt(int index) throws MediaFormatException {
    if (index >= SAMPLING_FREQUENCIES_HZ.length) {
      throw MediaFormatException.malformed("AAC samplingFrequencyIndex " + index
          + " is reserved (ISO/IEC 14496-3 1.6.3.4)");
    }
    return SAMPLING_FREQUENCIES_HZ[index];
  }
}
