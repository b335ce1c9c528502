package space.share.media.ingest.flv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import space.share.media.media.AudioConfig;
import space.share.media.media.MediaSink;
import space.share.media.media.Sample;
import space.share.media.media.StreamMetadata;
import space.share.media.media.Track;
import space.share.media.media.VideoConfig;
import space.share.media.testing.AvcFixtures;

class FlvTagDemuxerTest {
  /** A capturing sink: records what the demuxer hands downstream. */
  static final class CapturingSink implements MediaSink {
    final List<Object> events = new ArrayList<>();

    @Override public void onMetadata(StreamMetadata metadata) { events.add(metadata); }
    @Override public void onVideoConfig(VideoConfig config) { events.add(config); }
    @Override public void onAudioConfig(AudioConfig config) { events.add(config); }
    @Override public void onSample(Sample sample) { events.add(sample); }
    @Override public void onEnd() { events.add("end"); }
  }

  private final CapturingSink sink = new CapturingSink();
  private final FlvTagDemuxer demuxer = new FlvTagDemuxer(sink);

  static byte[] avcSequenceHeader() {
    ByteArrayOutputStream tag = new ByteArrayOutputStream();
    tag.writeBytes(new byte[] {0x17, 0, 0, 0, 0});
    tag.writeBytes(AvcFixtures.avcDecoderConfigurationRecord(AvcFixtures.SPS_720P_HIGH, AvcFixtures.PPS_HIGH));
    return tag.toByteArray();
  }

  static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  @Test
  void video_nalUnitsWithNegativeCompositionTime_becomeSampleWithSignedOffset() throws Exception {
    demuxer.video(avcSequenceHeader(), 0, 0, 0);
    // 0x27: inter frame, AVC; AVCPacketType 1; CompositionTime SI24 = -33 (0xFFFFDF); one 2-byte NAL unit.
    demuxer.video(bytes("2701ffffdf" + "00000002" + "4101"), 100, 0, 0);
    Sample sample = (Sample) sink.events.get(1);
    assertEquals(Track.VIDEO, sample.track());
    assertEquals(100, sample.decodeTimeMs());
    assertEquals(-33, sample.compositionOffsetMs());
    assertEquals(false, sample.keyframe());
    assertArrayEquals(bytes("000000024101"), sample.data());
  }

  @Test
  void audio_aacSequenceHeaderThenFrame_givesConfigAndSample() throws Exception {
    demuxer.audio(bytes("af00" + "1190"), 0, 0, 0);
    demuxer.audio(bytes("af01" + "21100508"), 21, 0, 0);
    AudioConfig config = (AudioConfig) sink.events.get(0);
    assertEquals(48_000, config.sampleRateHz());
    assertEquals(2, config.channelCount());
    assertEquals("mp4a.40.2", config.codec());
    Sample sample = (Sample) sink.events.get(1);
    assertArrayEquals(bytes("21100508"), sample.data());
  }

  static Stream<Arguments> malformedVideo() {
    return Stream.of(
        Arguments.of("FLV E.4.3.1: VideoTagHeader needs FrameType/CodecID", "", false),
        Arguments.of("FLV E.4.3.1: AVC header needs AVCPacketType and CompositionTime", "1700", false),
        Arguments.of("FLV E.4.3.1: AVCPacketType is 0, 1 or 2", "1705000000", false),
        Arguments.of("FLV E.4.3.1: CodecID 2 (Sorenson H.263) is not AVC", "220000000000", true),
        Arguments.of("Enhanced RTMP: IsExHeader set (FourCC codec)", "9068766331", true),
        Arguments.of("14496-15 5.3.3.1: avcC shorter than its header", "1700000000" + "0164", false),
        Arguments.of("AVCC framing: NAL length past the end of the sample", "1701000000" + "00000010" + "41", false),
        Arguments.of("AVCC framing: truncated NAL length field", "1701000000" + "000000", false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedVideo")
  void video_malformedOrUnsupported_failsTheStreamWithTheRightKind(String clause, String hex, boolean unsupported)
      throws Exception {
    if (hex.startsWith("1701")) {
      demuxer.video(avcSequenceHeader(), 0, 0, 0);
    }
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> demuxer.video(bytes(hex), 0, 0, 0));
    assertEquals(unsupported, e.isUnsupported(), e.getMessage());
    // Terminal: the stream stays failed, even for good input.
    assertThrows(MediaFormatException.class, () -> demuxer.video(avcSequenceHeader(), 0, 0, 0));
  }

  static Stream<Arguments> malformedAudio() {
    return Stream.of(
        Arguments.of("FLV E.4.2.1: AudioTagHeader needs SoundFormat and AACPacketType", "af", false),
        Arguments.of("FLV E.4.2.1: SoundFormat 2 (MP3) is not AAC", "2f00", true),
        Arguments.of("FLV E.4.2.1: AACPacketType is 0 or 1", "af02", false),
        Arguments.of("14496-3 1.6.2.1: AudioSpecificConfig needs two bytes", "af0011", false),
        Arguments.of("14496-3 1.6.2.1: samplingFrequencyIndex 13 is reserved", "af0016" + "90", false),
        Arguments.of("14496-3 1.6.2.1: object type 23 (ER AAC LD) is not decodable in browsers", "af00" + "b990", true),
        Arguments.of("FLV E.4.2.1: raw AAC before the sequence header", "af01" + "2110", false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedAudio")
  void audio_malformedOrUnsupported_failsTheStreamWithTheRightKind(String clause, String hex, boolean unsupported) {
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> demuxer.audio(bytes(hex), 0, 0, 0));
    assertEquals(unsupported, e.isUnsupported(), e.getMessage());
  }

  @Test
  void video_sampleAboveSizeBound_isRefusedBeforeCopying() throws Exception {
    demuxer.video(avcSequenceHeader(), 0, 0, 0);
    byte[] huge = new byte[5 + FlvTagDemuxer.MAX_SAMPLE_BYTES + 1];
    huge[0] = 0x17;
    huge[1] = 1;
    MediaFormatException e = assertThrows(MediaFormatException.class, () -> demuxer.video(huge, 0, 0, 0));
    assertTrue(e.isUnsupported());
  }
}
