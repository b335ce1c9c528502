package space.share.room;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import space.share.room.mediaclient.StreamStatusSource;
import space.share.room.rooms.StreamStatus;

/** A media server stand-in: tests set each stream's status; unset streams are unknown (404). */
public final class FakeStreamStatus implements StreamStatusSource {
  private final Map<String, StreamStatus> streams = new ConcurrentHashMap<>();
  private volatile boolean reachable = true;

  public void set(StreamStatus status) {
    streams.put(status.id(), status);
  }

  public void remove(String id) {
    streams.remove(id);
  }

  public void setReachable(boolean reachable) {
    this.reachable = reachable;
  }

  @Override
  public Optional<StreamStatus> status(String roomId) throws IOException {
    if (!reachable) {
      throw new IOException("fake media server down");
    }
    return Optional.ofNullable(streams.get(roomId));
  }
}
