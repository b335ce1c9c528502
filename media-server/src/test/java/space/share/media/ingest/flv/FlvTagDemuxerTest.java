package space.share.media.ingest.flv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import space.share.media.samples.AudioConfig;
import space.share.media.samples.MediaSink;
import space.share.media.samples.Sample;
import space.share.media.samples.StreamMetadata;
import space.share.media.samples.Track;
import space.share.media.samples.VideoConfig;
import space.share.media.testing.AvcFixtures;

class FlvTagDemuxerTest {
  /** A capturing sink: records what the demuxer hands downstream. */
  static final class CapturingSink implements MediaSink {
    final List<Object> events = new ArrayList<>();

    @Override public void onMetadata(StreamMetadata metadata) { events.add(metadata); }
    @Override public void onVideoConfig(VideoConfig config) { events.add(config); }
    @Override public void onAudioConfig(AudioConfig config) { events.add(config); }
    @Override public void onSample(Sample sample) {
      // The bytes are lent for this call (the ingest reuses its buffer): keep a copy, as a real sink must.
      byte[] copy = new byte[sample.sizeBytes()];
      sample.data().duplicate().get(copy);
      events.add(new Sample(sample.track(), sample.decodeTimeMs(), sample.compositionOffsetMs(), sample.keyframe(),
          ByteBuffer.wrap(copy), sample.arrivalNanos(), sample.arrivalEpochMs()));
    }
    @Override public void onEnd() { events.add("end"); }
    @Override public void onNote(String note) { notes.add(note); }

    final List<String> notes = new ArrayList<>();

    <T> List<T> of(Class<T> type) {
      return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
  }

  private final CapturingSink sink = new CapturingSink();
  private final FlvTagDemuxer demuxer = new FlvTagDemuxer(sink);

  static byte[] avcSequenceHeader() {
    ByteArrayOutputStream tag = new ByteArrayOutputStream();
    tag.writeBytes(new byte[] {0x17, 0, 0, 0, 0});
    tag.writeBytes(AvcFixtures.avcDecoderConfigurationRecord(AvcFixtures.SPS_720P_HIGH, AvcFixtures.PPS_HIGH));
    return tag.toByteArray();
  }

  static byte[] bytesOf(Sample sample) {
    return sample.data().array();
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
    assertArrayEquals(bytes("000000024101"), bytesOf(sample));
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
    assertArrayEquals(bytes("21100508"), bytesOf(sample));
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
        Arguments.of("14496-3 1.6.3.4: samplingFrequencyIndex 13 is reserved", "af00" + asc("00010", "1101", "0010"),
            false),
        Arguments.of("14496-3 1.6.3.4: samplingFrequencyIndex 14 is reserved", "af00" + asc("00010", "1110", "0010"),
            false),
        Arguments.of("14496-3 1.6.2.1: samplingFrequencyIndex 0xF with an explicit samplingFrequency of 0 Hz",
            "af00" + asc("00010", "1111", "0".repeat(24), "0010"), false),
        Arguments.of("14496-3 1.6.2.1: samplingFrequencyIndex 0xF without its 24-bit samplingFrequency",
            "af00" + asc("00010", "1111", "0000"), false),
        Arguments.of("14496-3 1.6.2.1: an explicit samplingFrequency of 16777215 Hz",
            "af00" + asc("00010", "1111", "1".repeat(24), "0010"), true),
        Arguments.of("14496-3 1.6.3.5: channelConfiguration 0 with no program_config_element we read",
            "af00" + asc("00010", "0011", "0000"), true),
        Arguments.of("14496-3 1.6.3.5: channelConfiguration 8 is reserved", "af00" + asc("00010", "0011", "1000"),
            true),
        Arguments.of("14496-3 1.6.2.1: object type 23 (ER AAC LD) is not decodable in browsers", "af00" + "b990", true));
  }

  /** An AudioSpecificConfig from its fields' bit strings, zero-padded to whole bytes, as hex. */
  static String asc(String... fields) {
    String bits = String.join("", fields);
    bits = bits + "0".repeat((8 - bits.length() % 8) % 8);
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < bits.length(); i += 8) {
      hex.append(String.format("%02x", Integer.parseInt(bits.substring(i, i + 8), 2)));
    }
    return hex.toString();
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

  /** What ffmpeg's tee muxer sends first: FLV E.4.3.1 AVCPacketType 0 with nothing after CompositionTime. */
  static final String EMPTY_AVC_SEQUENCE_HEADER = "1700000000";
  /** x264 in-band: an Annex B keyframe with SPS, PPS (4-byte start codes) and a 3-byte start code before the IDR. */
  static final String ANNEX_B_KEYFRAME = "1701000000" + "00000001" + AvcFixtures.SPS_720P_BASELINE + "00000001"
      + AvcFixtures.PPS_HIGH + "000001" + "658884";
  static final String AVCC_INTER_FRAME = "2701000000" + "00000002" + "4101";

  @Test
  void video_emptySequenceHeaderThenRealOne_isIgnoredOnceAndTheStreamStartsOnTheRealOne() throws Exception {
    demuxer.video(bytes(EMPTY_AVC_SEQUENCE_HEADER), 0, 0, 0);
    demuxer.audio(bytes("af00" + "1190"), 0, 0, 0);
    demuxer.audio(bytes("af01" + "2110"), 0, 0, 0); // dropped: video is still awaited
    demuxer.video(avcSequenceHeader(), 0, 0, 0);
    demuxer.video(bytes("1701000000" + "00000002" + "6588"), 40, 0, 0);
    demuxer.audio(bytes("af01" + "2110"), 42, 0, 0);
    assertEquals(1280, sink.of(VideoConfig.class).get(0).width());
    assertEquals(List.of(Track.VIDEO, Track.AUDIO), sink.of(Sample.class).stream().map(Sample::track).toList());
    assertEquals(1, sink.notes.size(), sink.notes.toString());
    assertTrue(sink.notes.get(0).contains("empty AVC sequence header"), sink.notes.get(0));
  }

  @Test
  void video_emptySequenceHeaderThenAnnexBKeyframe_configuresFromInBandParameterSetsAndRewritesTheFraming()
      throws Exception {
    demuxer.video(bytes(EMPTY_AVC_SEQUENCE_HEADER), 0, 0, 0);
    demuxer.video(bytes(ANNEX_B_KEYFRAME), 21, 0, 0);
    VideoConfig config = sink.of(VideoConfig.class).get(0);
    assertEquals(1280, config.width());
    assertEquals(720, config.height());
    assertEquals("avc1.42c01f", config.codec());
    assertArrayEquals(AvcFixtures.avcDecoderConfigurationRecord(AvcFixtures.SPS_720P_BASELINE, AvcFixtures.PPS_HIGH),
        config.avcDecoderConfigurationRecord());
    Sample keyframe = sink.of(Sample.class).get(0);
    assertTrue(keyframe.keyframe());
    String sps = AvcFixtures.SPS_720P_BASELINE;
    assertEquals(String.format("%08x", sps.length() / 2) + sps + "00000006" + AvcFixtures.PPS_HIGH + "00000003658884",
        HexFormat.of().formatHex(bytesOf(keyframe)));
  }

  @Test
  void video_inBandParameterSetsChangeOnALaterKeyframe_givesANewConfig() throws Exception {
    demuxer.video(bytes(EMPTY_AVC_SEQUENCE_HEADER), 0, 0, 0);
    demuxer.video(bytes(ANNEX_B_KEYFRAME), 0, 0, 0);
    demuxer.video(bytes(ANNEX_B_KEYFRAME), 1000, 0, 0); // same parameter sets: no new config
    demuxer.video(bytes(ANNEX_B_KEYFRAME.replace(AvcFixtures.SPS_720P_BASELINE, AvcFixtures.SPS_1080P_BASELINE)),
        2000, 0, 0);
    assertEquals(List.of(1280, 1920), sink.of(VideoConfig.class).stream().map(VideoConfig::width).toList());
    assertEquals(3, sink.of(Sample.class).size());
  }

  @Test
  void audio_emptySequenceHeader_isIgnoredAndTheRealOneConfigures() throws Exception {
    demuxer.audio(bytes("af00"), 0, 0, 0);
    demuxer.audio(bytes("af00" + "1190"), 0, 0, 0);
    demuxer.audio(bytes("af01" + "2110"), 0, 0, 0);
    assertEquals(1, sink.of(AudioConfig.class).size());
    assertEquals(1, sink.of(Sample.class).size());
    assertTrue(sink.notes.get(0).contains("empty AAC sequence header"), sink.notes.toString());
  }

  @Test
  void video_framesAfterAnEmptySequenceHeaderWithoutParameterSets_failTheStreamAfterTheBound() throws Exception {
    demuxer.video(bytes(EMPTY_AVC_SEQUENCE_HEADER), 0, 0, 0);
    for (int i = 0; i < FlvTagDemuxer.MAX_SAMPLES_AWAITING_CONFIG; i++) {
      demuxer.video(bytes(AVCC_INTER_FRAME), i * 33L, 0, 0);
    }
    MediaFormatException e = assertThrows(MediaFormatException.class,
        () -> demuxer.video(bytes(AVCC_INTER_FRAME), 99_000, 0, 0));
    assertTrue(e.getMessage().contains("no usable AVC sequence header"), e.getMessage());
    assertEquals(List.of(), sink.of(Sample.class));
  }

  @Test
  void audio_rawAacBeforeAnySequenceHeader_failsTheStreamAfterTheBound() throws Exception {
    for (int i = 0; i < FlvTagDemuxer.MAX_SAMPLES_AWAITING_CONFIG; i++) {
      demuxer.audio(bytes("af01" + "2110"), i * 21L, 0, 0);
    }
    MediaFormatException e = assertThrows(MediaFormatException.class,
        () -> demuxer.audio(bytes("af01" + "2110"), 99_000, 0, 0));
    assertTrue(!e.isUnsupported() && e.getMessage().contains("AAC sequence header"), e.getMessage());
  }

  @Test
  void audioAndVideo_clockRestart_keepsDecodeTimesMonotonicAndNotesIt() throws Exception {
    demuxer.video(avcSequenceHeader(), 0, 0, 0);
    demuxer.audio(bytes("af00" + "1190"), 0, 0, 0);
    long[] raw = {60_000, 60_033, 60_066, 0, 33, 66};
    for (long t : raw) {
      demuxer.video(bytes(AVCC_INTER_FRAME), t, 0, 0);
      demuxer.audio(bytes("af01" + "2110"), t + 5, 0, 0);
    }
    long lastVideo = -1;
    long lastAudio = -1;
    for (Sample sample : sink.of(Sample.class)) {
      if (sample.track() == Track.VIDEO) {
        assertTrue(sample.decodeTimeMs() > lastVideo, sample.decodeTimeMs() + " after " + lastVideo);
        lastVideo = sample.decodeTimeMs();
      } else {
        assertTrue(sample.decodeTimeMs() > lastAudio, sample.decodeTimeMs() + " after " + lastAudio);
        assertEquals(lastVideo + 5, sample.decodeTimeMs(), "audio stays 5 ms after its video frame");
        lastAudio = sample.decodeTimeMs();
      }
    }
    assertEquals(60_165, lastVideo);
    assertTrue(sink.notes.stream().anyMatch(n -> n.contains("timestamp discontinuity on the video track")),
        sink.notes.toString());
  }
}
