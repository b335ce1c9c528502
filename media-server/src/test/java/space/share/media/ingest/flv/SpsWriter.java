package space.share.media.ingest.flv;

import java.io.ByteArrayOutputStream;
import java.util.Map;

/**
 * Writes a sequence parameter set NAL unit (H.264 7.3.2.1.1) field by field, each field given as a bit string, so a
 * test can put any bits into one field: the default is a 320x240 picture. Shares no code with the reader.
 */
final class SpsWriter {
  private SpsWriter() {}

  /** ue(v) bits of {@code value} (H.264 9.1). */
  static String ue(long value) {
    String binary = Long.toBinaryString(value + 1);
    return "0".repeat(binary.length() - 1) + binary;
  }

  /** se(v) bits (H.264 9.1.1). */
  static String se(long value) {
    return ue(value > 0 ? 2 * value - 1 : -2 * value);
  }

  /**
   * @param profileIdc 66 (Baseline) or 100 (High, which adds the chroma and scaling fields)
   * @param fields bit strings replacing the defaults of named syntax elements; {@code delta_scale} turns on one
   *     scaling list, {@code frame_crop_left_offset} turns on cropping; {@code nal_unit_header} replaces 0x67
   */
  static byte[] sps(int profileIdc, Map<String, String> fields) {
    StringBuilder b = new StringBuilder();
    b.append(bits(8, profileIdc)).append(bits(8, 0)).append(bits(8, 31)); // profile, constraints, level_idc
    b.append(fields.getOrDefault("seq_parameter_set_id", ue(0)));
    if (profileIdc == 100) {
      b.append(fields.getOrDefault("chroma_format_idc", ue(1)));
      b.append(fields.getOrDefault("bit_depth_luma_minus8", ue(0)));
      b.append(fields.getOrDefault("bit_depth_chroma_minus8", ue(0)));
      b.append('0'); // qpprime_y_zero_transform_bypass_flag
      String deltaScale = fields.get("delta_scale");
      // seq_scaling_matrix_present_flag, then seq_scaling_list_present_flag[0] and its first delta_scale
      b.append(deltaScale == null ? "0" : "1" + "1" + deltaScale);
    }
    b.append(fields.getOrDefault("log2_max_frame_num_minus4", ue(0)));
    String pocType = fields.getOrDefault("pic_order_cnt_type", ue(0));
    b.append(pocType);
    if (pocType.equals(ue(0))) {
      b.append(ue(0)); // log2_max_pic_order_cnt_lsb_minus4
    } else if (pocType.equals(ue(1))) {
      b.append('0').append(se(0)).append(se(0)); // delta_pic_order_always_zero_flag, two offsets
      b.append(fields.getOrDefault("num_ref_frames_in_pic_order_cnt_cycle", ue(1)));
      b.append(se(0)); // offset_for_ref_frame[0]
    }
    b.append(fields.getOrDefault("max_num_ref_frames", ue(1)));
    b.append('0'); // gaps_in_frame_num_value_allowed_flag
    b.append(fields.getOrDefault("pic_width_in_mbs_minus1", ue(19)));
    b.append(fields.getOrDefault("pic_height_in_map_units_minus1", ue(14)));
    b.append('1'); // frame_mbs_only_flag
    b.append('1'); // direct_8x8_inference_flag
    String cropLeft = fields.get("frame_crop_left_offset");
    b.append(cropLeft == null ? "0" : "1" + cropLeft + ue(0) + ue(0) + ue(0));
    b.append('0'); // vui_parameters_present_flag
    b.append('1'); // rbsp_stop_one_bit
    while (b.length() % 8 != 0) {
      b.append('0');
    }
    ByteArrayOutputStream nal = new ByteArrayOutputStream();
    nal.write(Integer.parseInt(fields.getOrDefault("nal_unit_header", "01100111"), 2));
    int zeros = 0;
    for (int i = 0; i < b.length(); i += 8) {
      int value = Integer.parseInt(b.substring(i, i + 8), 2);
      if (zeros >= 2 && value <= 3) {
        nal.write(3); // emulation_prevention_three_byte (7.4.1)
        zeros = 0;
      }
      nal.write(value);
      zeros = value == 0 ? zeros + 1 : 0;
    }
    return nal.toByteArray();
  }

  private static String bits(int count, int value) {
    String binary = Integer.toBinaryString(value);
    return "0".repeat(count - binary.length()) + binary;
  }
}
