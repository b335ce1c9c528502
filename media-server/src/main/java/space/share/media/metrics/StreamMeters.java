package space.share.media.metrics;

import io.micrometer.core.instrument.Counter;

/**
 * The series of one live stream: what its publisher sends. Counting is an increment on a held counter, made on the
 * stream's writer thread. {@link #close()} (the publish ended) removes the series; counting after that is harmless
 * and goes nowhere.
 */
public final class StreamMeters implements AutoCloseable {
  private final Counter ingestBytes;
  private final Counter videoFrames;
  private final Counter audioFrames;
  private final Runnable remove;
  private boolean closed;

  StreamMeters(Counter ingestBytes, Counter videoFrames, Counter audioFrames, Runnable remove) {
    this.ingestBytes = ingestBytes;
    this.videoFrames = videoFrames;
    this.audioFrames = audioFrames;
    this.remove = remove;
  }

  /** One coded frame received from the publisher. */
  public void frame(boolean video, int bytes) {
    ingestBytes.increment(bytes);
    (video ? videoFrames : audioFrames).increment();
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      remove.run();
    }
  }
}
