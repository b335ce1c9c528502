package space.share.media.stream;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import space.share.media.metrics.MediaMetrics;

/** All streams by id. Thread-safe. Streams are made on first use (a publish or a viewer) and kept. */
public final class StreamRegistry {
  private final ConcurrentMap<String, LiveStream> streams = new ConcurrentHashMap<>();
  private final MediaMetrics metrics;
  private final LatencyStats latency;
  private final List<Consumer<LiveStream>> creationListeners = new CopyOnWriteArrayList<>();

  /** With meters of its own (tests, tools). */
  public StreamRegistry() {
    this(new MediaMetrics());
  }

  /** @param metrics where the streams and everything serving them count */
  public StreamRegistry(MediaMetrics metrics) {
    this.metrics = metrics;
    this.latency = new LatencyStats(metrics.serverLatency());
  }

  public LiveStream stream(String id) {
    return streams.computeIfAbsent(id, key -> {
      LiveStream stream = new LiveStream(key, latency, metrics);
      creationListeners.forEach(listener -> listener.accept(stream));
      return stream;
    });
  }

  /**
   * Runs {@code listener} for every stream made from now on (an output that serves all streams subscribes here).
   * Register before the server starts.
   */
  public void onStreamCreated(Consumer<LiveStream> listener) {
    creationListeners.add(listener);
  }

  public Optional<LiveStream> find(String id) {
    return Optional.ofNullable(streams.get(id));
  }

  public List<LiveStream> all() {
    return List.copyOf(streams.values());
  }

  public LatencyStats latency() {
    return latency;
  }

  public MediaMetrics metrics() {
    return metrics;
  }
}
