package space.share.media.ingest.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static space.share.media.samples.Track.AUDIO;
import static space.share.media.samples.Track.VIDEO;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimestampUnwrapperTest {
  private final List<String> discontinuities = new ArrayList<>();
  private final TimestampUnwrapper clock = new TimestampUnwrapper(
      (track, rawMs, previousRawMs, continuedAtMs) -> discontinuities.add(track + " " + rawMs + "->" + continuedAtMs));

  @Test
  void unwrap_acrossThe32BitWrap_staysMonotonic() {
    assertEquals(0xFFFF_FFF0L, clock.unwrap(VIDEO, 0xFFFF_FFF0L));
    assertEquals((1L << 32) + 0x10, clock.unwrap(VIDEO, 0x10));
    assertEquals((1L << 32) + 0x30, clock.unwrap(VIDEO, 0x30));
    assertEquals(List.of(), discontinuities);
  }

  @Test
  void unwrap_secondTrackWrappingLater_staysOnTheSameTimeline() {
    clock.unwrap(VIDEO, 0xFFFF_FFF0L);
    clock.unwrap(AUDIO, 0xFFFF_FFE0L);
    assertEquals((1L << 32) + 0x10, clock.unwrap(VIDEO, 0x10));
    assertEquals(0xFFFF_FFF5L, clock.unwrap(AUDIO, 0xFFFF_FFF5L)); // audio has not wrapped yet
    assertEquals((1L << 32) + 0x05, clock.unwrap(AUDIO, 0x05));
    assertEquals(List.of(), discontinuities);
  }

  /** ffmpeg's FLV muxer writes 31-bit timestamps: after ~24.8 days its clock falls from 2^31 - 1 to 0. */
  @Test
  void unwrap_ffmpegThirtyOneBitWrap_continuesOneIntervalLaterWithTracksInSync() {
    long wrap = 1L << 31;
    long videoBefore = 0;
    long audioBefore = 0;
    for (long t = wrap - 200; t < wrap; t += 20) {
      videoBefore = clock.unwrap(VIDEO, t);
      audioBefore = clock.unwrap(AUDIO, t + 5);
    }
    long video = clock.unwrap(VIDEO, 0); // the next 20 ms step after wrap - 20
    long audio = clock.unwrap(AUDIO, 5);
    assertEquals(videoBefore + 20, video);
    assertEquals(video + 5, audio, "audio keeps its 5 ms offset to video");
    assertTrue(audio > audioBefore);
    assertEquals(video + 20, clock.unwrap(VIDEO, 20));
    assertEquals(2, discontinuities.size(), discontinuities.toString());
  }

  @Test
  void unwrap_publisherRestartsItsClock_bothTracksContinueInSync() {
    clock.unwrap(VIDEO, 100_000);
    clock.unwrap(AUDIO, 100_010);
    clock.unwrap(VIDEO, 100_033);
    clock.unwrap(AUDIO, 100_031);
    assertEquals(100_066, clock.unwrap(VIDEO, 0));
    assertEquals(100_076, clock.unwrap(AUDIO, 10)); // the video's new mapping: 10 ms after video, as sent
    assertEquals(100_099, clock.unwrap(VIDEO, 33));
    assertEquals(List.of("VIDEO 0->100066", "AUDIO 10->100076"), discontinuities);
  }

  @Test
  void unwrap_jumpBackOfSeconds_continuesOneFrameLater() {
    clock.unwrap(VIDEO, 10_000);
    clock.unwrap(VIDEO, 10_033);
    assertEquals(10_066, clock.unwrap(VIDEO, 7_000));
    assertEquals(10_099, clock.unwrap(VIDEO, 7_033));
    assertEquals(1, discontinuities.size());
  }

  @Test
  void unwrap_jumpForwardOfAnHour_continuesOneFrameLater() {
    clock.unwrap(VIDEO, 10_000);
    clock.unwrap(VIDEO, 10_033);
    assertEquals(10_066, clock.unwrap(VIDEO, 3_610_000));
    assertEquals(1, discontinuities.size());
  }

  @Test
  void unwrap_videoGapWhileAudioRuns_isFollowedNotSquashed() {
    clock.unwrap(VIDEO, 1_000);
    for (long t = 1_000; t <= 9_000; t += 20) {
      clock.unwrap(AUDIO, t);
    }
    // Eight seconds without video (a variable-frame-rate encoder on a still screen): the audio vouches for it.
    assertEquals(9_000, clock.unwrap(VIDEO, 9_000));
    assertEquals(List.of(), discontinuities);
  }

  @Test
  void unwrap_smallStepBack_isHeldAndTheMappingKept() {
    clock.unwrap(VIDEO, 1_000);
    assertEquals(1_000, clock.unwrap(VIDEO, 995));
    assertEquals(1_033, clock.unwrap(VIDEO, 1_033));
    assertEquals(List.of(), discontinuities);
  }

  @Test
  void unwrap_firstSampleOfSecondTrack_adoptsTheFirstTracksMapping() {
    clock.unwrap(VIDEO, 100_000);
    clock.unwrap(VIDEO, 0); // restart: continues at 100_001
    assertEquals(100_011, clock.unwrap(AUDIO, 10));
  }

  @Test
  void unwrap_anySequence_neverGoesBackOrBelowZeroPerTrack() {
    long[] raws = {5, 0, 2_000_000_000L, 7, 0xFFFF_FFFFL, 3, 1L << 31, 100, 99, 4_000_000_000L, 12};
    long lastVideo = 0;
    long lastAudio = 0;
    for (int i = 0; i < raws.length; i++) {
      long video = clock.unwrap(VIDEO, raws[i]);
      long audio = clock.unwrap(AUDIO, raws[raws.length - 1 - i]);
      assertTrue(video >= lastVideo && video >= 0, "video " + video + " after " + lastVideo);
      assertTrue(audio >= lastAudio && audio >= 0, "audio " + audio + " after " + lastAudio);
      lastVideo = video;
      lastAudio = audio;
    }
  }
}
