package space.share.media.ingest.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static space.share.media.ingest.flv.SpsWriter.se;
import static space.share.media.ingest.flv.SpsWriter.ue;

import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import space.share.media.samples.VideoConfig;
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

  private static VideoConfig readSps(byte[] sps) throws MediaFormatException {
    return AvcConfigReader.read(
        AvcFixtures.avcDecoderConfigurationRecord(HexFormat.of().formatHex(sps), AvcFixtures.PPS_HIGH));
  }

  @ParameterizedTest(name = "profile_idc {0}")
  @CsvSource({"66", "100"})
  void read_writtenSpsWithDefaultFields_is320x240(int profileIdc) throws Exception {
    VideoConfig config = readSps(SpsWriter.sps(profileIdc, Map.of()));
    assertEquals(320, config.width());
    assertEquals(240, config.height());
  }

  /** 31 leading zero bits: codeNum 2^32 - 2, the largest ue(v) there is; int arithmetic on it overflows. */
  private static final String UE_MAX = ue(0xFFFF_FFFEL);
  /** 32 leading zero bits: no valid ue(v) has them. */
  private static final String UE_32_ZEROS = "0".repeat(32) + "1" + "0".repeat(32);

  static Stream<Arguments> malformedSps() {
    return Stream.of(
        Arguments.of("H.264 9.1: seq_parameter_set_id with 32 leading zero bits", 66,
            Map.of("seq_parameter_set_id", UE_32_ZEROS), "32 or more leading zero bits"),
        Arguments.of("H.264 9.1: pic_width_in_mbs_minus1 with 40 leading zero bits", 66,
            Map.of("pic_width_in_mbs_minus1", "0".repeat(40) + "1" + "0".repeat(40)), "32 or more leading zero bits"),
        Arguments.of("H.264 9.1: 100 zero bits then the end of the NAL unit", 66,
            Map.of("log2_max_frame_num_minus4", "0".repeat(100)), "32 or more leading zero bits"),
        Arguments.of("H.264 7.4.2.1.1: seq_parameter_set_id 32 (0..31)", 66,
            Map.of("seq_parameter_set_id", ue(32)), "seq_parameter_set_id 32"),
        Arguments.of("H.264 7.4.2.1.1: chroma_format_idc 4 (0..3)", 100,
            Map.of("chroma_format_idc", ue(4)), "chroma_format_idc 4"),
        Arguments.of("H.264 7.4.2.1.1: chroma_format_idc 2^32-2 (int arithmetic made it negative)", 100,
            Map.of("chroma_format_idc", UE_MAX), "chroma_format_idc 4294967294"),
        Arguments.of("H.264 7.4.2.1.1: bit_depth_luma_minus8 7 (0..6)", 100,
            Map.of("bit_depth_luma_minus8", ue(7)), "bit_depth_luma_minus8 7"),
        Arguments.of("H.264 7.4.2.1.1.1: delta_scale 200 (-128..127)", 100,
            Map.of("delta_scale", se(200)), "delta_scale 200"),
        Arguments.of("H.264 7.4.2.1.1: log2_max_frame_num_minus4 13 (0..12)", 66,
            Map.of("log2_max_frame_num_minus4", ue(13)), "log2_max_frame_num_minus4 13"),
        Arguments.of("H.264 7.4.2.1.1: pic_order_cnt_type 3 (0..2)", 66,
            Map.of("pic_order_cnt_type", ue(3)), "pic_order_cnt_type 3"),
        Arguments.of("H.264 7.4.2.1.1: num_ref_frames_in_pic_order_cnt_cycle 256 (0..255)", 66,
            Map.of("pic_order_cnt_type", ue(1), "num_ref_frames_in_pic_order_cnt_cycle", ue(256)),
            "num_ref_frames_in_pic_order_cnt_cycle 256"),
        Arguments.of("H.264 7.4.2.1.1: num_ref_frames_in_pic_order_cnt_cycle 2^32-2 (int arithmetic made it"
            + " negative, skipping the loop)", 66,
            Map.of("pic_order_cnt_type", ue(1), "num_ref_frames_in_pic_order_cnt_cycle", UE_MAX),
            "num_ref_frames_in_pic_order_cnt_cycle 4294967294"),
        Arguments.of("H.264 7.4.2.1.1 / A.3.1: max_num_ref_frames 17 (at most MaxDpbFrames, 16)", 66,
            Map.of("max_num_ref_frames", ue(17)), "max_num_ref_frames 17"),
        Arguments.of("H.264 7.4.2.1.1: pic_width_in_mbs_minus1 1024 (a 16400-pixel picture)", 66,
            Map.of("pic_width_in_mbs_minus1", ue(1024)), "pic_width_in_mbs_minus1 1024"),
        Arguments.of("H.264 7.4.2.1.1: pic_height_in_map_units_minus1 2^32-2", 66,
            Map.of("pic_height_in_map_units_minus1", UE_MAX), "pic_height_in_map_units_minus1 4294967294"),
        Arguments.of("H.264 7.4.2.1.1: frame_crop_left_offset 2^31-100 (int arithmetic wrapped to a 520-pixel"
            + " width)", 66, Map.of("frame_crop_left_offset", ue((1L << 31) - 100)), "frame_crop_left_offset"),
        Arguments.of("H.264 7.4.2.1.1: frame cropping that leaves no picture", 66,
            Map.of("frame_crop_left_offset", ue(160)), "picture size 0x240"),
        Arguments.of("H.264 7.4.1: the avcC's SPS has nal_unit_type 8", 66,
            Map.of("nal_unit_header", "01101000"), "nal_unit_type 8"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedSps")
  void read_malformedSps_isRefusedWithAClearMessage(String clause, int profileIdc, Map<String, String> fields,
      String message) {
    byte[] sps = SpsWriter.sps(profileIdc, fields);
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> readSps(sps));
    assertTrue(!e.isUnsupported(), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void readUe_largestCode_isReadWithoutOverflow() throws Exception {
    BitReader bits = new BitReader(new byte[] {0, 0, 0, 1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFE}, 0, 8);
    assertEquals(0xFFFF_FFFEL, bits.readUe());
  }

  @Test
  void recordFromParameterSets_x264Sps_readsLikeTheEncodersOwnRecord() throws Exception {
    byte[] sps = HexFormat.of().parseHex(AvcFixtures.SPS_720P_HIGH);
    byte[] pps = HexFormat.of().parseHex(AvcFixtures.PPS_HIGH);
    byte[] record = AvcConfigReader.recordFromParameterSets(sps, java.util.List.of(pps));
    assertArrayEqualsHex(AvcFixtures.avcDecoderConfigurationRecord(AvcFixtures.SPS_720P_HIGH, AvcFixtures.PPS_HIGH),
        record);
  }

  private static void assertArrayEqualsHex(byte[] expected, byte[] actual) {
    assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(actual));
  }
}
