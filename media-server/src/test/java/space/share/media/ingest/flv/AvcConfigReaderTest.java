package space.share.media.ingest.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import space.share.media.media.VideoConfig;
import space.share.media.testing.AvcFixtures;

class AvcConfigReaderTest {
  @ParameterizedTest(name = "{1}x{2} {3}")
  @CsvSource({
    AvcFixtures.SPS_720P_BASELINE + ", 1280, 720, avc1.42c01f",
    AvcFixtures.SPS_1080P_BASELINE + ", 1920, 1080, avc1.42c028",
    AvcFixtures.SPS_720P_HIGH + ", 1280, 720, avc1.64001f",
    AvcFixtures.SPS_1080P_HIGH444 + ", 1920, 1080, avc1.f40028",
  })
  void read_x264ParameterSets_givesCroppedSizeAndCodecString(String sps, int width, int height, String codec)
      throws Exception {
    VideoConfig config = AvcConfigReader.read(AvcFixtures.avcDecoderConfigurationRecord(sps, AvcFixtures.PPS_HIGH));
    assertEquals(width, config.width());
    assertEquals(height, config.height());
    assertEquals(codec, config.codec());
  }

  @Test
  void read_twoByteNalLengths_isUnsupported() {
    byte[] record = AvcFixtures.avcDecoderConfigurationRecord(AvcFixtures.SPS_720P_HIGH, AvcFixtures.PPS_HIGH);
    record[4] = (byte) 0xFD; // 14496-15 5.3.3.1: lengthSizeMinusOne = 1
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> AvcConfigReader.read(record));
    assertTrue(e.isUnsupported(), e.getMessage());
  }

  @Test
  void read_truncatedSps_isMalformed() {
    byte[] record = AvcFixtures.avcDecoderConfigurationRecord(AvcFixtures.SPS_720P_HIGH.substring(0, 12),
        AvcFixtures.PPS_HIGH);
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> AvcConfigReader.read(record));
    assertTrue(!e.isUnsupported(), e.getMessage());
  }
}
