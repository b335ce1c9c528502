package space.share.room.mediaclient;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import space.share.room.placement.MediaHost;
import space.share.room.rooms.RoomSettings;
import space.share.room.rooms.StreamStatus;

/**
 * {@link StreamStatusSource} over {@code GET {internal-url}/api/streams/{id}} and {@code GET {internal-url}/healthz}
 * of each media server, every request bounded by {@code timeout}. Thread-safe.
 */
public final class HttpStreamStatusSource implements StreamStatusSource {
  private final HttpClient client;
  private final Duration timeout;
  private final ObjectMapper json = new ObjectMapper();

  public HttpStreamStatusSource(Duration timeout) {
    this.timeout = timeout;
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public Optional<StreamStatus> status(MediaHost host, String roomId) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base(host) + "/api/streams/" + roomId))
        .timeout(timeout).header("Accept", "application/json").GET().build();
    HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    if (response.statusCode() != 200) {
      throw new IOException("media server " + host.id() + " answered " + response.statusCode() + " for stream " + roomId);
    }
    return Optional.of(json.readValue(response.body(), StreamStatus.class));
  }

  @Override
  public void checkHealth(MediaHost host) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base(host) + "/healthz")).timeout(timeout).GET().build();
    int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    if (status != 200) {
      throw new IOException("media server " + host.id() + " health answered " + status);
    }
  }

  private static String base(MediaHost host) {
    return RoomSettings.trimSlash(host.internalUrl());
  }
}
