package space.share.room;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import space.share.room.mediaclient.StreamStatusSource;
import space.share.room.placement.MediaHost;
import space.share.room.rooms.StreamStatus;

/**
 * Media servers' stand-in: tests set each stream's status (the same on every server); unset streams are unknown (404).
 * A server named {@link #setDown} fails its health checks and stream queries.
 */
public final class FakeStreamStatus implements StreamStatusSource {
  private final Map<String, StreamStatus> streams = new ConcurrentHashMap<>();
  private volatile boolean reachable = true;
  private final Set<String> down = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> healthChecks = new ConcurrentHashMap<>();
  private final Map<String, Integer> statusCalls = new ConcurrentHashMap<>();

  public void set(StreamStatus status) {
    streams.put(status.id(), status);
  }

  public void remove(String id) {
    streams.remove(id);
  }

  public void setReachable(boolean reachable) {
    this.reachable = reachable;
  }

  public void setDown(String hostId, boolean isDown) {
    if (isDown) {
      down.add(hostId);
    } else {
      down.remove(hostId);
    }
  }

  /** Stream status queries sent to {@code hostId} so far. */
  public int statusCalls(String hostId) {
    return statusCalls.getOrDefault(hostId, 0);
  }

  /** Health checks of {@code hostId} so far. */
  public int healthChecks(String hostId) {
    return healthChecks.getOrDefault(hostId, 0);
  }

  @Override
  public Optional<StreamStatus> status(MediaHost host, String roomId) throws IOException {
    statusCalls.merge(host.id(), 1, Integer::sum);
    if (!reachable || down.contains(host.id())) {
      throw new IOException("fake media server " + host.id() + " down");
    }
    return Optional.ofNullable(streams.get(roomId));
  }

  @Override
  public void checkHealth(MediaHost host) throws IOException {
    healthChecks.merge(host.id(), 1, Integer::sum);
    if (!reachable || down.contains(host.id())) {
      throw new IOException("fake media server " + host.id() + " down");
    }
  }
}
