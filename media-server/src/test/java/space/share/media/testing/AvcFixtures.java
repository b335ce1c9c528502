package space.share.media.testing;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/** Real parameter sets taken from x264 (via ffmpeg 5.1) output, to build decoder configuration records. */
public final class AvcFixtures {
  /** x264 ultrafast, 1280x720, Constrained Baseline level 3.1. */
  public static final String SPS_720P_BASELINE = "6742c01fda014016ec0440000003004000000f23c60ca8";
  /** x264 ultrafast, 1920x1080 (coded 1088, cropped), Constrained Baseline level 4.0. */
  public static final String SPS_1080P_BASELINE = "6742c028da01e0089f970110000003001000000303c8f1832a";
  /** x264 medium -profile high, 1280x720, High level 3.1. */
  public static final String SPS_720P_HIGH = "6764001facd9405005bb0110000003001000000303c0f1831960";
  /** x264 ultrafast yuv444p, 1920x1080, High 4:4:4 Predictive level 4.0. */
  public static final String SPS_1080P_HIGH444 = "67f40028919680780227e270110000030001000003003c0f1832a0";
  public static final String PPS_HIGH = "68ebe3cb22c0";
  /** AAC LC, 48 kHz, stereo. */
  public static final byte[] ASC_AAC_LC_48K_STEREO = {0x11, (byte) 0x90};

  private AvcFixtures() {}

  /** An AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.3.3.1) around one SPS and one PPS. */
  public static byte[] avcDecoderConfigurationRecord(String spsHex, String ppsHex) {
    byte[] sps = HexFormat.of().parseHex(spsHex);
    byte[] pps = HexFormat.of().parseHex(ppsHex);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(1); // configurationVersion
    out.write(sps[1]); // AVCProfileIndication
    out.write(sps[2]); // profile_compatibility
    out.write(sps[3]); // AVCLevelIndication
    out.write(0xFF); // reserved (6 bits) + lengthSizeMinusOne = 3
    out.write(0xE1); // reserved (3 bits) + numOfSequenceParameterSets = 1
    out.write(sps.length >> 8);
    out.write(sps.length);
    out.writeBytes(sps);
    out.write(1); // numOfPictureParameterSets
    out.write(pps.length >> 8);
    out.write(pps.length);
    out.writeBytes(pps);
    return out.toByteArray();
  }
}
