package space.share.room.mediaclient;

import java.io.IOException;
import java.util.Optional;
import space.share.room.rooms.StreamStatus;

/**
 * Where the controller learns whether a room's stream is live: the media server's stream API in
 * production ({@link HttpStreamStatusSource}), a fake in tests. Called from the poller thread only.
 */
public interface StreamStatusSource {
  /** The stream's status, empty when the media server does not know it (404), IOException when unreachable. */
  Optional<StreamStatus> status(String roomId) throws IOException, InterruptedException;
}
