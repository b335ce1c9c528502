package space.share.media.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import space.share.media.cmaf.Fragment;
import space.share.media.cmaf.InitSegment;
import space.share.media.samples.AudioConfig;
import space.share.media.samples.MediaSink;
import space.share.media.samples.Sample;
import space.share.media.samples.Track;
import space.share.media.samples.VideoConfig;
import space.share.media.testing.AvcFixtures;

class LiveStreamGopCacheTest {
  static final VideoConfig VIDEO = new VideoConfig(
      AvcFixtures.avcDecoderConfigurationRecord(AvcFixtures.SPS_720P_HIGH, AvcFixtures.PPS_HIGH), 1280, 720,
      "avc1.64001f");
  static final AudioConfig AUDIO = new AudioConfig(AvcFixtures.ASC_AAC_LC_48K_STEREO, 48_000, 2, "mp4a.40.2");
  /** prft + moof + mdat header around each sample. */
  static final int CHUNK_OVERHEAD_BYTES = 32 + 104 + 8;

  /** What a subscriber is handed when it joins. */
  static final class JoinRecorder implements StreamSubscriber {
    List<Fragment> sinceKeyframe;
    final List<Fragment> live = new ArrayList<>();

    @Override
    public void onJoin(InitSegment init, int generation, List<Fragment> fragments) {
      sinceKeyframe = fragments;
    }

    @Override
    public void onInit(InitSegment init, int generation) {}

    @Override
    public void onFragment(Fragment fragment) {
      live.add(fragment);
    }

    @Override
    public void onEnded() {}
  }

  static Sample video(long decodeTimeMs, boolean keyframe, int sizeBytes) {
    ByteBuffer data = ByteBuffer.allocate(sizeBytes).putInt(0, sizeBytes - 4); // one NAL unit
    return new Sample(Track.VIDEO, decodeTimeMs, 0, keyframe, data.asReadOnlyBuffer(), 0, 0);
  }

  static Sample audio(long decodeTimeMs) {
    return new Sample(Track.AUDIO, decodeTimeMs, 0, true, ByteBuffer.wrap(new byte[] {0x21, 0x10, 5, 8}), 0, 0);
  }

  static MediaSink publish(LiveStream stream) throws Exception {
    MediaSink sink = stream.beginPublish("10.0.0.7:5000");
    sink.onVideoConfig(VIDEO);
    sink.onAudioConfig(AUDIO);
    return sink;
  }

  @Test
  void subscribe_midGop_startsWithTheKeyframeAndEveryFragmentSince() throws Exception {
    LiveStream stream = new LiveStream("s", new LatencyStats(), 1_000_000);
    MediaSink sink = publish(stream);
    sink.onSample(video(0, true, 5_000));
    sink.onSample(video(33, false, 500));
    sink.onSample(video(66, true, 5_000)); // a new GOP
    sink.onSample(audio(70));
    sink.onSample(video(100, false, 500));
    JoinRecorder viewer = new JoinRecorder();
    stream.subscribe(viewer);
    assertEquals(3, viewer.sinceKeyframe.size());
    Fragment first = viewer.sinceKeyframe.get(0);
    assertTrue(first.independent() && first.track() == Track.VIDEO, "a joining viewer must start at the keyframe");
    assertEquals(66_000, first.decodeTimeUs());
    sink.onSample(video(133, false, 500));
    assertEquals(1, viewer.live.size(), "live fragments follow the join");
  }

  @Test
  void gopCache_pastItsByteBound_isDroppedUntilTheNextKeyframe() throws Exception {
    int boundBytes = 20_000;
    LiveStream stream = new LiveStream("s", new LatencyStats(), boundBytes);
    MediaSink sink = publish(stream);
    sink.onSample(video(0, true, 8_000));
    sink.onSample(video(33, false, 8_000));
    assertEquals(2 * (8_000 + CHUNK_OVERHEAD_BYTES), stream.gopCacheBytes());
    for (int frame = 2; frame < 30; frame++) { // a publisher whose GOP never ends within the bound
      sink.onSample(video(frame * 33L, false, 8_000));
      assertTrue(stream.gopCacheBytes() <= boundBytes, stream.gopCacheBytes() + " bytes cached");
    }
    sink.onSample(audio(1_000));
    JoinRecorder late = new JoinRecorder();
    stream.subscribe(late);
    assertTrue(late.sinceKeyframe.stream().noneMatch(f -> f.track() == Track.VIDEO),
        "frames without their keyframe were handed to a joining viewer: " + late.sinceKeyframe.size());

    sink.onSample(video(1_033, true, 8_000));
    JoinRecorder next = new JoinRecorder();
    stream.subscribe(next);
    assertEquals(1, next.sinceKeyframe.size());
    assertTrue(next.sinceKeyframe.get(0).independent());
  }
}
