package space.share.media.hls;

import java.nio.charset.StandardCharsets;
import space.share.media.cmaf.Fragment;
import space.share.media.cmaf.InitSegment;
import space.share.media.samples.Track;
import space.share.media.stream.StreamSubscriber;

/**
 * Feeds a subscriber what a 30 fps publisher with AAC at 48 kHz produces, in arrival order, with RTMP's rounding:
 * video decode times are whole milliseconds ({@code round(k * 1000 / fps)}), audio frames are 1024 samples.
 * Fragment bytes are short readable labels ({@code v12K}), not media.
 */
final class FakePublisher {
  static final long START_EPOCH_MS = 1_763_700_000_000L;

  private final StreamSubscriber subscriber;
  private final double fps;
  private final int gopFrames;
  private final boolean audio;
  private long videoFrame;
  private long audioFrame;
  private int sequence;
  private long startMs;
  private long wallOffsetMs = START_EPOCH_MS;
  private long lastArrivalEpochMs = START_EPOCH_MS;

  FakePublisher(StreamSubscriber subscriber, double fps, int gopFrames, boolean audio) {
    this.subscriber = subscriber;
    this.fps = fps;
    this.gopFrames = gopFrames;
    this.audio = audio;
  }

  static InitSegment init(int width, int height) {
    return new InitSegment(("init" + width).getBytes(StandardCharsets.US_ASCII), "avc1.64001f,mp4a.40.2", width,
        height, 30.0, true, true);
  }

  /** Starts a publish (a new generation) at decode time {@code startMs}. */
  FakePublisher begin(InitSegment init, int generation, long startMs) {
    this.startMs = startMs;
    // Wall clock runs on: a publish coming back a second later is stamped a second later, whatever its decode times.
    wallOffsetMs = videoFrame == 0 ? START_EPOCH_MS - startMs : lastArrivalEpochMs + 1_000 - startMs;
    videoFrame = 0;
    audioFrame = 0;
    subscriber.onInit(init, generation);
    return this;
  }

  /** Publishes until the video decode time reaches {@code untilMs} after the start (exclusive). */
  FakePublisher run(long untilMs) {
    while (videoMs(videoFrame) < startMs + untilMs) {
      // Audio that decodes before the next video frame arrives first, as an interleaving muxer sends it.
      while (audio && audioUs(audioFrame) < videoMs(videoFrame) * 1000) {
        long decodeUs = audioUs(audioFrame);
        emit(Track.AUDIO, false, decodeUs, 21_333, "a" + audioFrame);
        audioFrame++;
      }
      boolean key = videoFrame % gopFrames == 0;
      long decodeMs = videoMs(videoFrame);
      long durationMs = videoFrame == 0 ? Math.round(1000 / fps) : decodeMs - videoMs(videoFrame - 1);
      emit(Track.VIDEO, key, decodeMs * 1000, durationMs * 1000, "v" + videoFrame + (key ? "K" : ""));
      videoFrame++;
    }
    return this;
  }

  void end() {
    subscriber.onEnded();
  }

  private long videoMs(long frame) {
    return startMs + Math.round(frame * 1000 / fps);
  }

  private long audioUs(long frame) {
    return startMs * 1000 + frame * 1024 * 1_000_000 / 48_000;
  }

  private void emit(Track track, boolean key, long decodeUs, long durationUs, String label) {
    byte[] data = label.getBytes(StandardCharsets.US_ASCII);
    long arrivalEpochMs = wallOffsetMs + decodeUs / 1000;
    lastArrivalEpochMs = arrivalEpochMs;
    subscriber.onFragment(new Fragment(java.nio.ByteBuffer.wrap(data).asReadOnlyBuffer(), track, key, ++sequence, decodeUs, durationUs, 0, arrivalEpochMs));
  }
}
