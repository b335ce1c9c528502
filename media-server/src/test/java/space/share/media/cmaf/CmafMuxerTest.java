package space.share.media.cmaf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import space.share.media.samples.AudioConfig;
import space.share.media.samples.Sample;
import space.share.media.samples.Track;
import space.share.media.samples.VideoConfig;
import space.share.media.testing.AvcFixtures;
import space.share.media.testing.BoxWalker;
import space.share.media.testing.Golden;

class CmafMuxerTest {
  private static final long ARRIVAL_EPOCH_MS = 1_763_700_000_123L;

  private static final VideoConfig VIDEO = new VideoConfig(
      AvcFixtures.avcDecoderConfigurationRecord(AvcFixtures.SPS_720P_HIGH, AvcFixtures.PPS_HIGH), 1280, 720,
      "avc1.64001f");
  private static final AudioConfig AUDIO = new AudioConfig(AvcFixtures.ASC_AAC_LC_48K_STEREO, 48_000, 2, "mp4a.40.2");

  private static Sample video(long decodeTimeMs, int compositionOffsetMs, boolean keyframe) {
    return new Sample(Track.VIDEO, decodeTimeMs, compositionOffsetMs, keyframe,
        ByteBuffer.wrap(HexFormat.of().parseHex("00000003" + "65aabb")), 0, ARRIVAL_EPOCH_MS);
  }

  private static Sample audio(long decodeTimeMs) {
    return new Sample(Track.AUDIO, decodeTimeMs, 0, true, ByteBuffer.wrap(HexFormat.of().parseHex("21100508")), 0, ARRIVAL_EPOCH_MS);
  }

  @Test
  void initSegment_videoAndAudio_matchesGoldenBoxTree() throws Exception {
    CmafMuxer muxer = new CmafMuxer(VIDEO, AUDIO, /* announcedFrameRate= */ 30);
    Golden.assertMatches("init-avc-aac.txt", BoxWalker.render(muxer.initSegment().bytes()));
    assertEquals("avc1.64001f,mp4a.40.2", muxer.initSegment().codecs());
    assertEquals("video/mp4; codecs=\"avc1.64001f,mp4a.40.2\"", muxer.initSegment().mimeType());
  }

  @Test
  void fragment_keyframeThenAudio_matchesGoldenBoxTree() throws Exception {
    CmafMuxer muxer = new CmafMuxer(VIDEO, AUDIO, /* announcedFrameRate= */ 30);
    Fragment key = muxer.fragment(video(/* decodeTimeMs= */ 1_000, /* compositionOffsetMs= */ 0, true));
    Fragment sound = muxer.fragment(audio(/* decodeTimeMs= */ 1_000));
    Golden.assertMatches("fragment-key-then-audio.txt", BoxWalker.render(key.copyBytes()) + "--\n"
        + BoxWalker.render(sound.copyBytes()));
    assertTrue(key.independent());
    assertEquals(1_000_000, key.decodeTimeUs());
  }

  @Test
  void trun_withBFrames_writesSignedCompositionOffsets() {
    CmafMuxer muxer = new CmafMuxer(VIDEO, null, 30);
    muxer.fragment(video(0, 66, true));
    String tree = BoxWalker.render(muxer.fragment(video(33, -33, false)).copyBytes());
    assertTrue(tree.contains("trun size=36 v=1 flags=0xf01"), tree);
    assertTrue(tree.contains("composition_offset=-2970"), tree);
    assertTrue(tree.contains("flags=0x1010000"), tree); // non-sync sample
  }

  @Test
  void fragment_videoDuration_followsThePublishersLastInterval() {
    CmafMuxer muxer = new CmafMuxer(VIDEO, null, /* announcedFrameRate= */ 0);
    assertEquals(33_333, muxer.fragment(video(0, 0, true)).durationUs()); // 30 fps assumed
    assertEquals(40_000, muxer.fragment(video(40, 0, false)).durationUs());
    assertEquals(40_000, muxer.fragment(video(80, 0, false)).durationUs());
  }

  @Test
  void fragment_audio_countsSamplesAndResyncsOnlyOnAGap() {
    CmafMuxer muxer = new CmafMuxer(null, AUDIO, 0);
    assertEquals(0, muxer.fragment(audio(0)).decodeTimeUs());
    // RTMP's millisecond clock says 21 ms; 1024 samples at 48 kHz are 21.333 ms.
    assertEquals(21_333, muxer.fragment(audio(21)).decodeTimeUs());
    assertEquals(42_666, muxer.fragment(audio(43)).decodeTimeUs());
    // A 500 ms gap is followed, not smoothed over.
    assertEquals(543_000, muxer.fragment(audio(543)).decodeTimeUs());
  }

  @Test
  void matches_changedSps_needsNewInitSegment() {
    CmafMuxer muxer = new CmafMuxer(VIDEO, AUDIO, 30);
    VideoConfig other = new VideoConfig(
        AvcFixtures.avcDecoderConfigurationRecord(AvcFixtures.SPS_1080P_BASELINE, AvcFixtures.PPS_HIGH), 1920, 1080,
        "avc1.42c028");
    assertTrue(muxer.matches(VIDEO, AUDIO));
    assertTrue(!muxer.matches(other, AUDIO));
    assertTrue(!muxer.matches(VIDEO, null));
  }
}
