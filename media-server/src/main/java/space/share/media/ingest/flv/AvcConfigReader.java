package space.share.media.ingest.flv;

import java.util.Locale;
import space.share.media.media.VideoConfig;

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

  /** Returns {width, height} in pixels from an SPS NAL unit (header byte included) at {@code offset}. */
  static int[] readPictureSize(byte[] data, int offset, int length) throws MediaFormatException {
    byte[] rbsp = unescape(data, offset + 1, length - 1);
    BitReader bits = new BitReader(rbsp, 0, rbsp.length);
    int profileIdc = bits.readBits(8);
    bits.skipBits(16); // constraint flags, reserved_zero_2bits, level_idc
    bits.readUe(); // seq_parameter_set_id
    int chromaFormatIdc = 1;
    boolean separateColourPlane = false;
    if (profileIdc == 100 || profileIdc == 110 || profileIdc == 122 || profileIdc == 244 || profileIdc == 44
        || profileIdc == 83 || profileIdc == 86 || profileIdc == 118 || profileIdc == 128 || profileIdc == 138
        || profileIdc == 139 || profileIdc == 134 || profileIdc == 135) {
      chromaFormatIdc = bits.readUe();
      if (chromaFormatIdc > 3) {
        throw MediaFormatException.malformed("chroma_format_idc " + chromaFormatIdc);
      }
      if (chromaFormatIdc == 3) {
        separateColourPlane = bits.readBit() == 1;
      }
      bits.readUe(); // bit_depth_luma_minus8
      bits.readUe(); // bit_depth_chroma_minus8
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
    bits.readUe(); // log2_max_frame_num_minus4
    int picOrderCntType = bits.readUe();
    if (picOrderCntType == 0) {
      bits.readUe(); // log2_max_pic_order_cnt_lsb_minus4
    } else if (picOrderCntType == 1) {
      bits.skipBits(1); // delta_pic_order_always_zero_flag
      bits.readSe(); // offset_for_non_ref_pic
      bits.readSe(); // offset_for_top_to_bottom_field
      int cycle = bits.readUe();
      if (cycle > 255) {
        throw MediaFormatException.malformed("num_ref_frames_in_pic_order_cnt_cycle " + cycle);
      }
      for (int i = 0; i < cycle; i++) {
        bits.readSe();
      }
    }
    bits.readUe(); // max_num_ref_frames
    bits.skipBits(1); // gaps_in_frame_num_value_allowed_flag
    int widthInMbs = bits.readUe() + 1;
    int heightInMapUnits = bits.readUe() + 1;
    int frameMbsOnly = bits.readBit();
    if (frameMbsOnly == 0) {
      bits.skipBits(1); // mb_adaptive_frame_field_flag
    }
    bits.skipBits(1); // direct_8x8_inference_flag
    int width = widthInMbs * 16;
    int height = (2 - frameMbsOnly) * heightInMapUnits * 16;
    if (bits.readBit() == 1) { // frame_cropping_flag
      int left = bits.readUe();
      int right = bits.readUe();
      int top = bits.readUe();
      int bottom = bits.readUe();
      int chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
      int cropUnitX = chromaArrayType == 0 ? 1 : (chromaArrayType == 3 ? 1 : 2);
      int cropUnitY = (chromaArrayType == 1 ? 2 : 1) * (2 - frameMbsOnly);
      width -= (left + right) * cropUnitX;
      height -= (top + bottom) * cropUnitY;
    }
    if (width <= 0 || height <= 0 || width > 16384 || height > 16384) {
      throw MediaFormatException.malformed("picture size " + width + "x" + height);
    }
    return new int[] {width, height};
  }

  private static void skipScalingList(BitReader bits, int size) throws MediaFormatException {
    int lastScale = 8;
    int nextScale = 8;
    for (int j = 0; j < size && nextScale != 0; j++) {
      nextScale = (lastScale + bits.readSe() + 256) % 256;
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
    return java.util.Arrays.copyOf(out, written);
  }
}
