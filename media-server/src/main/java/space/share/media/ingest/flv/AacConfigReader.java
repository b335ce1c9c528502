package space.share.media.ingest.flv;

import space.share.media.media.AudioConfig;

/** Reads the fields we need from an AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1). */
final class AacConfigReader {
  private static final int[] SAMPLING_FREQUENCIES_HZ = {
    96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350
  };

  private AacConfigReader() {}

  static AudioConfig read(byte[] config) throws MediaFormatException {
    if (config.length < 2) {
      throw MediaFormatException.malformed("AudioSpecificConfig shorter than 2 bytes");
    }
    BitReader bits = new BitReader(config, 0, config.length);
    int audioObjectType = bits.readBits(5); // audioObjectType
    if (audioObjectType == 31) {
      audioObjectType = 32 + bits.readBits(6); // audioObjectTypeExt
    }
    int frequencyIndex = bits.readBits(4); // samplingFrequencyIndex
    int sampleRateHz = frequencyIndex == 0xF ? bits.readBits(24) : frequencyAt(frequencyIndex);
    int channelConfiguration = bits.readBits(4); // channelConfiguration
    // 1 AAC Main, 2 AAC LC, 5 SBR (HE-AAC), 29 PS (HE-AACv2): what browsers decode from mp4a.40.x.
    if (audioObjectType != 1 && audioObjectType != 2 && audioObjectType != 5 && audioObjectType != 29) {
      throw MediaFormatException.unsupported("AAC audio object type " + audioObjectType);
    }
    if (channelConfiguration < 1 || channelConfiguration > 7) {
      throw MediaFormatException.unsupported("AAC channelConfiguration " + channelConfiguration);
    }
    int channelCount = channelConfiguration == 7 ? 8 : channelConfiguration;
    return new AudioConfig(config.clone(), sampleRateHz, channelCount, "mp4a.40." + audioObjectType);
  }

  private static int frequencyAt(int index) throws MediaFormatException {
    if (index >= SAMPLING_FREQUENCIES_HZ.length) {
      throw MediaFormatException.malformed("samplingFrequencyIndex " + index);
    }
    return SAMPLING_FREQUENCIES_HZ[index];
  }
}
