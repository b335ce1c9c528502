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
  private final int gopCacheMaxBytes;

  /** With meters of its own and the default GOP cache bound (tests, tools). */
  public StreamRegistry() {
    this(new MediaMetrics(), LiveStream.DEFAULT_GOP_CACHE_MAX_BYTES);
  }

  /** With the default GOP cache bound ({@link LiveStream#DEFAULT_GOP_CACHE_MAX_BYTES}). */
  public StreamRegistry(MediaMetrics metrics) {
    this(metrics, LiveStream.DEFAULT_GOP_CACHE_MAX_BYTES);
  }

  /**
   * @param metrics where the streams and everything serving them count
   * @param gopCacheMaxBytes bound of each stream's GOP cache ({@code media.gop-cache-max-bytes})
   */
  public StreamRegistry(MediaMetrics metrics, int gopCacheMaxBytes) {
    this.metrics = metrics;
    this.latency = new LatencyStats(metrics.serverLatency());
    this.gopCacheMaxBytes = gopCacheMaxBytes;
  }

  public LiveStream stream(String id) {
    return streams.computeIfAbsent(id, key -> {
      LiveStream stream = new LiveStream(key, latency, metrics, gopCacheMaxBytes);
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
