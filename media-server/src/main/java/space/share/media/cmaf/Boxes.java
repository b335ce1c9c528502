package space.share.media.cmaf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The catalogue of ISO-BMFF boxes we write (ISO/IEC 14496-12, CMAF ISO/IEC 23000-19), one small static writer per
 * fourcc. Leaves are built into exact-size buffers; containers are composed with {@link #wrapIntoBox}.
 */
final class Boxes {
  /** unsigned int(32) matrix[9]: the identity transform, 16.16 and 2.30 fixed point. */
  private static final int[] UNITY_MATRIX = {0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000};

  /** Seconds from 1900-01-01 (NTP epoch) to 1970-01-01 (Unix epoch). */
  private static final long NTP_UNIX_OFFSET_S = 2_208_988_800L;

  private Boxes() {}

  static byte[] wrapIntoBox(String type, byte[]... children) {
    int size = 8;
    for (byte[] child : children) {
      size += child.length;
    }
    ByteBuffer box = ByteBuffer.allocate(size);
    box.putInt(size).put(fourcc(type));
    for (byte[] child : children) {
      box.put(child);
    }
    return box.array();
  }

  /** Starts a leaf box of {@code size} bytes with its header written; the caller fills the rest. */
  private static ByteBuffer leaf(String type, int size) {
    return ByteBuffer.allocate(size).putInt(size).put(fourcc(type));
  }

  private static ByteBuffer fullLeaf(String type, int size, int version, int flags) {
    return leaf(type, size).putInt((version << 24) | flags);
  }

  static byte[] ftyp() {
    String[] compatible = {"iso6", "cmfc", "avc1", "mp41"};
    ByteBuffer box = leaf("ftyp", 16 + 4 * compatible.length);
    box.put(fourcc("iso6")); // unsigned int(32) major_brand
    box.putInt(0); // unsigned int(32) minor_version
    for (String brand : compatible) {
      box.put(fourcc(brand)); // unsigned int(32) compatible_brands[]
    }
    return box.array();
  }

  static byte[] mvhd(int timescale, int nextTrackId) {
    ByteBuffer box = fullLeaf("mvhd", 108, 0, 0);
    box.putInt(0); // unsigned int(32) creation_time
    box.putInt(0); // unsigned int(32) modification_time
    box.putInt(timescale); // unsigned int(32) timescale
    box.putInt(0); // unsigned int(32) duration: unknown, fragmented
    box.putInt(0x00010000); // template int(32) rate = 1.0
    box.putShort((short) 0x0100); // template int(16) volume = 1.0
    box.putShort((short) 0).putInt(0).putInt(0); // reserved
    putMatrix(box);
    box.put(new byte[24]); // bit(32)[6] pre_defined
    box.putInt(nextTrackId); // unsigned int(32) next_track_ID
    return box.array();
  }

  static byte[] tkhd(int trackId, boolean audio, int width, int height) {
    // flags: track_enabled | track_in_movie
    ByteBuffer box = fullLeaf("tkhd", 92, 0, 0b0000_0011);
    box.putInt(0); // unsigned int(32) creation_time
    box.putInt(0); // unsigned int(32) modification_time
    box.putInt(trackId); // unsigned int(32) track_ID
    box.putInt(0); // const unsigned int(32) reserved
    box.putInt(0); // unsigned int(32) duration
    box.putInt(0).putInt(0); // const unsigned int(32)[2] reserved
    box.putShort((short) 0); // template int(16) layer
    box.putShort((short) 0); // template int(16) alternate_group
    box.putShort((short) (audio ? 0x0100 : 0)); // template int(16) volume
    box.putShort((short) 0); // const unsigned int(16) reserved
    putMatrix(box);
    box.putInt(width << 16); // unsigned int(32) width, 16.16
    box.putInt(height << 16); // unsigned int(32) height, 16.16
    return box.array();
  }

  static byte[] mdhd(int timescale) {
    ByteBuffer box = fullLeaf("mdhd", 32, 0, 0);
    box.putInt(0); // unsigned int(32) creation_time
    box.putInt(0); // unsigned int(32) modification_time
    box.putInt(timescale); // unsigned int(32) timescale
    box.putInt(0); // unsigned int(32) duration
    box.putShort((short) 0x55C4); // bit(1) pad, unsigned int(5)[3] language = "und"
    box.putShort((short) 0); // unsigned int(16) pre_defined
    return box.array();
  }

  static byte[] hdlr(String handlerType, String name) {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    ByteBuffer box = fullLeaf("hdlr", 32 + nameBytes.length + 1, 0, 0);
    box.putInt(0); // unsigned int(32) pre_defined
    box.put(fourcc(handlerType)); // unsigned int(32) handler_type
    box.putInt(0).putInt(0).putInt(0); // const unsigned int(32)[3] reserved
    box.put(nameBytes).put((byte) 0); // string name, null-terminated
    return box.array();
  }

  static byte[] vmhd() {
    ByteBuffer box = fullLeaf("vmhd", 20, 0, 1);
    box.putShort((short) 0); // template unsigned int(16) graphicsmode = copy
    box.putShort((short) 0).putShort((short) 0).putShort((short) 0); // template unsigned int(16)[3] opcolor
    return box.array();
  }

  static byte[] smhd() {
    ByteBuffer box = fullLeaf("smhd", 16, 0, 0);
    box.putShort((short) 0); // template int(16) balance
    box.putShort((short) 0); // const unsigned int(16) reserved
    return box.array();
  }

  static byte[] dinf() {
    // 'url ' with flags = 1: the media data is in this file.
    byte[] url = fullLeaf("url ", 12, 0, 1).array();
    ByteBuffer dref = fullLeaf("dref", 16 + url.length, 0, 0);
    dref.putInt(1); // unsigned int(32) entry_count
    dref.put(url);
    return wrapIntoBox("dinf", dref.array());
  }

  /** The sample tables of a fragmented file are empty: samples live in the fragments. */
  static byte[] emptySampleTables(byte[] sampleEntry) {
    ByteBuffer stsd = fullLeaf("stsd", 16 + sampleEntry.length, 0, 0);
    stsd.putInt(1); // unsigned int(32) entry_count
    stsd.put(sampleEntry);
    byte[] stts = fullLeaf("stts", 16, 0, 0).putInt(0).array(); // entry_count
    byte[] stsc = fullLeaf("stsc", 16, 0, 0).putInt(0).array(); // entry_count
    byte[] stsz = fullLeaf("stsz", 20, 0, 0).putInt(0).putInt(0).array(); // sample_size, sample_count
    byte[] stco = fullLeaf("stco", 16, 0, 0).putInt(0).array(); // entry_count
    return wrapIntoBox("stbl", stsd.array(), stts, stsc, stsz, stco);
  }

  static byte[] avc1(int width, int height, byte[] avcDecoderConfigurationRecord) {
    byte[] avcC = wrapIntoBox("avcC", avcDecoderConfigurationRecord);
    ByteBuffer box = leaf("avc1", 86 + avcC.length);
    box.put(new byte[6]); // const unsigned int(8)[6] reserved
    box.putShort((short) 1); // unsigned int(16) data_reference_index
    box.putShort((short) 0); // unsigned int(16) pre_defined
    box.putShort((short) 0); // const unsigned int(16) reserved
    box.putInt(0).putInt(0).putInt(0); // unsigned int(32)[3] pre_defined
    box.putShort((short) width); // unsigned int(16) width
    box.putShort((short) height); // unsigned int(16) height
    box.putInt(0x00480000); // template unsigned int(32) horizresolution = 72 dpi
    box.putInt(0x00480000); // template unsigned int(32) vertresolution = 72 dpi
    box.putInt(0); // const unsigned int(32) reserved
    box.putShort((short) 1); // template unsigned int(16) frame_count
    box.put(new byte[32]); // string[32] compressorname
    box.putShort((short) 0x0018); // template unsigned int(16) depth
    box.putShort((short) -1); // int(16) pre_defined = -1
    box.put(avcC);
    return box.array();
  }

  static byte[] mp4a(int channelCount, int sampleRateHz, byte[] audioSpecificConfig) {
    byte[] esds = esds(audioSpecificConfig);
    ByteBuffer box = leaf("mp4a", 36 + esds.length);
    box.put(new byte[6]); // const unsigned int(8)[6] reserved
    box.putShort((short) 1); // unsigned int(16) data_reference_index
    box.putInt(0).putInt(0); // const unsigned int(32)[2] reserved
    box.putShort((short) channelCount); // template unsigned int(16) channelcount
    box.putShort((short) 16); // template unsigned int(16) samplesize
    box.putShort((short) 0); // unsigned int(16) pre_defined
    box.putShort((short) 0); // const unsigned int(16) reserved
    // template unsigned int(32) samplerate, 16.16; rates above 65535 Hz do not fit and are written as 0.
    box.putInt(sampleRateHz <= 0xFFFF ? sampleRateHz << 16 : 0);
    box.put(esds);
    return box.array();
  }

  /** ES_Descriptor (ISO/IEC 14496-1 7.2.6.5) with a DecoderConfigDescriptor for AAC. */
  private static byte[] esds(byte[] audioSpecificConfig) {
    int decoderSpecificInfoSize = 2 + audioSpecificConfig.length;
    int decoderConfigSize = 2 + 13 + decoderSpecificInfoSize;
    int slConfigSize = 3;
    int esDescriptorSize = 2 + 3 + decoderConfigSize + slConfigSize;
    if (esDescriptorSize - 2 > 127) {
      throw new IllegalArgumentException("AudioSpecificConfig of " + audioSpecificConfig.length + " bytes");
    }
    ByteBuffer box = fullLeaf("esds", 12 + esDescriptorSize, 0, 0);
    box.put((byte) 0x03).put((byte) (esDescriptorSize - 2)); // ES_DescrTag, size
    box.putShort((short) 0); // bit(16) ES_ID
    box.put((byte) 0); // streamDependenceFlag, URL_Flag, OCRstreamFlag, streamPriority
    box.put((byte) 0x04).put((byte) (decoderConfigSize - 2)); // DecoderConfigDescrTag, size
    box.put((byte) 0x40); // bit(8) objectTypeIndication: Audio ISO/IEC 14496-3
    box.put((byte) 0x15); // bit(6) streamType = AudioStream (5), bit(1) upStream = 0, reserved = 1
    box.put(new byte[3]); // bit(24) bufferSizeDB
    box.putInt(0); // bit(32) maxBitrate
    box.putInt(0); // bit(32) avgBitrate
    box.put((byte) 0x05).put((byte) audioSpecificConfig.length); // DecSpecificInfoTag, size
    box.put(audioSpecificConfig);
    box.put((byte) 0x06).put((byte) 1).put((byte) 0x02); // SLConfigDescrTag, size, predefined = MP4
    return box.array();
  }

  static byte[] trex(int trackId) {
    ByteBuffer box = fullLeaf("trex", 32, 0, 0);
    box.putInt(trackId); // unsigned int(32) track_ID
    box.putInt(1); // unsigned int(32) default_sample_description_index
    box.putInt(0); // unsigned int(32) default_sample_duration
    box.putInt(0); // unsigned int(32) default_sample_size
    box.putInt(0); // unsigned int(32) default_sample_flags
    return box.array();
  }

  /**
   * Producer reference time (14496-12 8.16.5): which wall-clock instant corresponds to {@code mediaTime}. Version 1
   * carries a 64-bit media time.
   */
  static byte[] prft(int referenceTrackId, long wallClockEpochMs, long mediaTime) {
    ByteBuffer box = fullLeaf("prft", 32, 1, 0);
    box.putInt(referenceTrackId); // unsigned int(32) reference_track_ID
    long seconds = wallClockEpochMs / 1000 + NTP_UNIX_OFFSET_S;
    long fraction = ((wallClockEpochMs % 1000) << 32) / 1000;
    box.putLong((seconds << 32) | fraction); // unsigned int(64) ntp_timestamp
    box.putLong(mediaTime); // unsigned int(64) media_time
    return box.array();
  }

  static byte[] mfhd(int sequenceNumber) {
    return fullLeaf("mfhd", 16, 0, 0).putInt(sequenceNumber).array(); // unsigned int(32) sequence_number
  }

  static byte[] tfhd(int trackId) {
    // tf_flags: default-base-is-moof (0x020000), as CMAF requires; no other defaults, trun carries them.
    return fullLeaf("tfhd", 16, 0, 0b10_0000_0000_0000_0000).putInt(trackId).array(); // unsigned int(32) track_ID
  }

  static byte[] tfdt(long baseMediaDecodeTime) {
    return fullLeaf("tfdt", 20, 1, 0).putLong(baseMediaDecodeTime).array(); // unsigned int(64) baseMediaDecodeTime
  }

  /** Size of a one-sample {@link #trun}, needed before writing it to compute the data offset. */
  static final int TRUN_ONE_SAMPLE_BYTES = 36;

  /**
   * A one-sample track run. Version 1 makes the composition offset signed (B-frames can put presentation before
   * decode time of the first frame).
   */
  static byte[] trun(int dataOffset, int durationTicks, int sizeBytes, int sampleFlags, int compositionOffsetTicks) {
    // tr_flags: data-offset-present 0x000001, sample-duration 0x000100, sample-size 0x000200,
    // sample-flags 0x000400, sample-composition-time-offsets 0x000800.
    ByteBuffer box = fullLeaf("trun", TRUN_ONE_SAMPLE_BYTES, 1, 0b1111_0000_0001);
    box.putInt(1); // unsigned int(32) sample_count
    box.putInt(dataOffset); // signed int(32) data_offset, from the start of moof
    box.putInt(durationTicks); // unsigned int(32) sample_duration
    box.putInt(sizeBytes); // unsigned int(32) sample_size
    box.putInt(sampleFlags); // unsigned int(32) sample_flags
    box.putInt(compositionOffsetTicks); // signed int(32) sample_composition_time_offset
    return box.array();
  }

  static byte[] mdatHeader(int payloadBytes) {
    return ByteBuffer.allocate(8).putInt(8 + payloadBytes).put(fourcc("mdat")).array();
  }

  private static void putMatrix(ByteBuffer box) {
    for (int value : UNITY_MATRIX) {
      box.putInt(value);
    }
  }

  private static byte[] fourcc(String type) {
    return type.getBytes(StandardCharsets.US_ASCII);
  }
}
