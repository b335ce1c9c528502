package space.share.media.stream;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** All streams by id. Thread-safe. Streams are made on first use (a publish or a viewer) and kept. */
public final class StreamRegistry {
  private final ConcurrentMap<String, LiveStream> streams = new ConcurrentHashMap<>();
  private final LatencyStats latency = new LatencyStats();

  public LiveStream stream(String id) {
    return streams.computeIfAbsent(id, key -> new LiveStream(key, latency));
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
}
