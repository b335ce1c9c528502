package space.share.room.mediaclient;

import java.io.IOException;
import java.util.Optional;
import space.share.room.placement.MediaHost;
import space.share.room.rooms.StreamStatus;

/**
 * Where the controller learns whether a room's stream is live and whether a media server answers: the media servers'
 * HTTP API in production ({@link HttpStreamStatusSource}), a fake in tests. Called from the poller thread only.
 */
public interface StreamStatusSource {
  /**
   * The stream's status on {@code host}, empty when that server does not know it (404), IOException when unreachable.
   */
  Optional<StreamStatus> status(MediaHost host, String roomId) throws IOException, InterruptedException;

  /** Returns when {@code host} is healthy ({@code GET /healthz} answered 200); IOException when it is not. */
  void checkHealth(MediaHost host) throws IOException, InterruptedException;
}
