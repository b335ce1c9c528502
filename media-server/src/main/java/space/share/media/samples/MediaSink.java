package space.share.media.samples;

/**
 * Where the ingest adapter hands one published stream, as plain value types: the seam between the RTMP stack and
 * everything downstream.
 *
 * <p>Threading: calls for one stream come from one thread at a time, in order (the publisher's connection); they
 * must return quickly because they run on the ingest path. {@link #onEnd()} is called exactly once.
 */
public interface MediaSink {
  void onMetadata(StreamMetadata metadata);

  void onVideoConfig(VideoConfig config);

  void onAudioConfig(AudioConfig config);

  /** {@code sample}'s bytes are lent for this call only (see {@link Sample#data()}): copy what is kept. */
  void onSample(Sample sample);

  /**
   * Something irregular the ingest tolerated (an ignored empty sequence header, a timestamp discontinuity it
   * smoothed over), for a log line naming the stream and its publisher. The sink bounds how many it logs.
   */
  default void onNote(String note) {}

  /** The publisher left or was cut off; no call follows. */
  void onEnd();
}
