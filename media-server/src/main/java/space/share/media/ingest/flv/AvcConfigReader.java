package space.share.media.ingest.flv;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import space.share.media.samples.VideoConfig;

/**
 * Reads an AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.3.3.1) and the picture size from its first sequence
 * parameter set (H.264 7.3.2.1.1).
 */
final class AvcConfigReader {
  private AvcConfigReader() {}

  static VideoConfig read(byte[] record) throws MediaFormatException {
    // unsigned int(8) configurationVersion = 1; profile, compatibility, level; 6 bits reserved + lengthSizeMinusOne;
    // 3 bits reserved + numOfSequenceParameterSets; then unsigned int(16) length + NAL unit, per SPS.
    if (record.length < 8) {
      throw MediaFormatException.malformed("AVC sequence header shorter than 8 bytes");
    }
    if (record[0] != 1) {
      throw MediaFormatException.malformed("avcC configurationVersion " + record[0] + ", expected 1");
    }
    int lengthSizeMinusOne = record[4] & 0b11;
    if (lengthSizeMinusOne != 3) {
      // We pass NAL units through as the publisher framed them; 4-byte lengths are what every encoder sends.
      throw MediaFormatException.unsupported("NAL length size " + (lengthSizeMinusOne + 1) + " (only 4 is supported)");
    }
    int spsCount = record[5] & 0b11111;
    if (spsCount < 1) {
      throw MediaFormatException.malformed("avcC carries no sequence parameter set");
    }
    int spsLength = ((record[6] & 0xFF) << 8) | (record[7] & 0xFF);
    if (record.length < 8 + spsLength || spsLength < 4) {
      throw MediaFormatException.malformed("avcC SPS length " + spsLength + " exceeds the record");
    }
    int[] size = readPictureSize(record, 8, spsLength);
    String codec = String.format(Locale.ROOT, "avc1.%02x%02x%02x", record[1] & 0xFF, record[2] & 0xFF, record[3] & 0xFF);
    return new VideoConfig(record.clone(), size[0], size[1], codec);
  }

  /**
   * Builds the AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.3.3.1) that a publisher would have sent for these
   * parameter sets, NAL unit headers included, with 4-byte NAL lengths. {@link #read} it like a received one.
   */
  static byte[] recordFromParameterSets(byte[] sps, List<byte[]> ppsList) throws MediaFormatException {
    if (sps.length < 4 || sps.length > 0xFFFF || ppsList.isEmpty() || ppsList.size() > 0xFF) {
      throw MediaFormatException.malformed("in-band parameter sets: SPS of " + sps.length + " bytes, "
          + ppsList.size() + " PPS (ISO/IEC 14496-15 5.3.3.1)");
    }
    ByteArrayOutputStream record = new ByteArrayOutputStream();
    record.write(1); // unsigned int(8) configurationVersion = 1
    record.write(sps[1]); // unsigned int(8) AVCProfileIndication
    record.write(sps[2]); // unsigned int(8) profile_compatibility
    record.write(sps[3]); // unsigned int(8) AVCLevelIndication
    record.write(0b1111_1111); // bit(6) reserved = '111111'b; unsigned int(2) lengthSizeMinusOne = 3
    record.write(0b1110_0001); // bit(3) reserved = '111'b; unsigned int(5) numOfSequenceParameterSets = 1
    record.write(sps.length >> 8); // unsigned int(16) sequenceParameterSetLength
    record.write(sps.length);
    record.writeBytes(sps);
    record.write(ppsList.size()); // unsigned int(8) numOfPictureParameterSets
    for (byte[] pps : ppsList) {
      if (pps.length > 0xFFFF) {
        throw MediaFormatException.malformed("in-band PPS of " + pps.length + " bytes");
      }
      record.write(pps.length >> 8); // unsigned int(16) pictureParameterSetLength
      record.write(pps.length);
      record.writeBytes(pps);
    }
    return record.toByteArray();
  }

  /** Pictures wider or taller than this are refused (no browser decodes more); it also bounds the arithmetic. */
  static final int MAX_PICTURE_SIDE_PIXELS = 16_384;

  private static final String SPS_SEMANTICS = "7.4.2.1.1";

  /**
   * Returns {width, height} in pixels from an SPS NAL unit (header byte included) at {@code offset}, following the
   * syntax of H.264 7.3.2.1.1. Every ue(v)/se(v) is checked against the range its semantics (7.4.2.1.1) allow before
   * it is used, so the size arithmetic below cannot overflow and no loop count comes from the input unchecked.
   */
  static int[] readPictureSize(byte[] data, int offset, int length) throws MediaFormatException {
    int nalUnitType = data[offset] & 0x1F;
    if (nalUnitType != 7) {
      throw MediaFormatException.malformed("avcC sequence parameter set has nal_unit_type " + nalUnitType
          + ", expected 7 (H.264 7.4.1)");
    }
    byte[] rbsp = unescape(data, offset + 1, length - 1);
    BitReader bits = new BitReader(rbsp, 0, rbsp.length);
    int profileIdc = bits.readBits(8);
    bits.skipBits(16); // constraint flags, reserved_zero_2bits, level_idc
    bits.readUe("seq_parameter_set_id", 31, SPS_SEMANTICS);
    int chromaFormatIdc = 1;
    boolean separateColourPlane = false;
    if (profileIdc == 100 || profileIdc == 110 || profileIdc == 122 || profileIdc == 244 || profileIdc == 44
        || profileIdc == 83 || profileIdc == 86 || profileIdc == 118 || profileIdc == 128 || profileIdc == 138
        || profileIdc == 139 || profileIdc == 134 || profileIdc == 135) {
      chromaFormatIdc = bits.readUe("chroma_format_idc", 3, SPS_SEMANTICS);
      if (chromaFormatIdc == 3) {
        separateColourPlane = bits.readBit() == 1;
      }
      bits.readUe("bit_depth_luma_minus8", 6, SPS_SEMANTICS);
      bits.readUe("bit_depth_chroma_minus8", 6, SPS_SEMANTICS);
      bits.skipBits(1); // qpprime_y_zero_transform_bypass_flag
      if (bits.readBit() == 1) { // seq_scaling_matrix_present_flag
        int lists = chromaFormatIdc != 3 ? 8 : 12;
        for (int i = 0; i < lists; i++) {
          if (bits.readBit() == 1) {
            skipScalingList(bits, i < 6 ? 16 : 64);
          }
        }
      }
    }
    bits.readUe("log2_max_frame_num_minus4", 12, SPS_SEMANTICS);
    int picOrderCntType = bits.readUe("pic_order_cnt_type", 2, SPS_SEMANTICS);
    if (picOrderCntType == 0) {
      bits.readUe("log2_max_pic_order_cnt_lsb_minus4", 12, SPS_SEMANTICS);
    } else if (picOrderCntType == 1) {
      bits.skipBits(1); // delta_pic_order_always_zero_flag
      bits.readSe("offset_for_non_ref_pic", -Integer.MAX_VALUE, Integer.MAX_VALUE, SPS_SEMANTICS);
      bits.readSe("offset_for_top_to_bottom_field", -Integer.MAX_VALUE, Integer.MAX_VALUE, SPS_SEMANTICS);
      int cycle = bits.readUe("num_ref_frames_in_pic_order_cnt_cycle", 255, SPS_SEMANTICS);
      for (int i = 0; i < cycle; i++) {
        bits.readSe("offset_for_ref_frame", -Integer.MAX_VALUE, Integer.MAX_VALUE, SPS_SEMANTICS);
      }
    }
    // MaxDpbFrames is at most 16 (A.3.1 h)).
    bits.readUe("max_num_ref_frames", 16, SPS_SEMANTICS);
    bits.skipBits(1); // gaps_in_frame_num_value_allowed_flag
    int maxMbs = MAX_PICTURE_SIDE_PIXELS / 16;
    int widthInMbs = bits.readUe("pic_width_in_mbs_minus1", maxMbs - 1, SPS_SEMANTICS) + 1;
    int heightInMapUnits = bits.readUe("pic_height_in_map_units_minus1", maxMbs - 1, SPS_SEMANTICS) + 1;
    int frameMbsOnly = bits.readBit();
    if (frameMbsOnly == 0) {
      bits.skipBits(1); // mb_adaptive_frame_field_flag
    }
    bits.skipBits(1); // direct_8x8_inference_flag
    // At most 1024 * 16 and 2 * 1024 * 16: no overflow.
    int width = widthInMbs * 16;
    int height = (2 - frameMbsOnly) * heightInMapUnits * 16;
    if (bits.readBit() == 1) { // frame_cropping_flag
      // Each offset is bounded by the coded size (7.4.2.1.1: the cropped picture is not empty), so the sums and
      // products below stay far from overflow.
      int left = bits.readUe("frame_crop_left_offset", width, SPS_SEMANTICS);
      int right = bits.readUe("frame_crop_right_offset", width, SPS_SEMANTICS);
      int top = bits.readUe("frame_crop_top_offset", height, SPS_SEMANTICS);
      int bottom = bits.readUe("frame_crop_bottom_offset", height, SPS_SEMANTICS);
      int chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
      int cropUnitX = chromaArrayType == 0 ? 1 : (chromaArrayType == 3 ? 1 : 2);
      int cropUnitY = (chromaArrayType == 1 ? 2 : 1) * (2 - frameMbsOnly);
      width -= (left + right) * cropUnitX;
      height -= (top + bottom) * cropUnitY;
    }
    if (width <= 0 || height <= 0 || width > MAX_PICTURE_SIDE_PIXELS || height > MAX_PICTURE_SIDE_PIXELS) {
      throw MediaFormatException.malformed("picture size " + width + "x" + height + " after frame cropping (H.264 "
          + SPS_SEMANTICS + ")");
    }
    return new int[] {width, height};
  }

  private static void skipScalingList(BitReader bits, int size) throws MediaFormatException {
    int lastScale = 8;
    int nextScale = 8;
    for (int j = 0; j < size && nextScale != 0; j++) {
      int deltaScale = bits.readSe("delta_scale", -128, 127, "7.4.2.1.1.1");
      nextScale = (lastScale + deltaScale + 256) % 256;
      lastScale = nextScale == 0 ? lastScale : nextScale;
    }
  }

  /** Removes emulation_prevention_three_byte (H.264 7.4.1). */
  private static byte[] unescape(byte[] data, int offset, int length) {
    byte[] out = new byte[length];
    int written = 0;
    int zeros = 0;
    for (int i = offset; i < offset + length; i++) {
      int b = data[i] & 0xFF;
      if (zeros >= 2 && b == 3) {
        zeros = 0;
        continue;
      }
      zeros = b == 0 ? zeros + 1 : 0;
      out[written++] = (byte) b;
    }
    return Arrays.copyOf(out, written);
  }
}
