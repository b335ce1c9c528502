package space.share.room.mediaclient;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import space.share.room.rooms.StreamStatus;

/** {@link StreamStatusSource} over {@code GET {room.media.internal-url}/api/streams/{id}}. Thread-safe. */
public final class HttpStreamStatusSource implements StreamStatusSource {
  private final HttpClient client;
  private final String baseUrl;
  private final Duration timeout;
  private final ObjectMapper json = new ObjectMapper();

  public HttpStreamStatusSource(String baseUrl, Duration timeout) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.timeout = timeout;
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public Optional<StreamStatus> status(String roomId) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/streams/" + roomId))
        .timeout(timeout).header("Accept", "application/json").GET().build();
    HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    if (response.statusCode() != 200) {
      throw new IOException("media server answered " + response.statusCode() + " for stream " + roomId);
    }
    return Optional.of(json.readValue(response.body(), StreamStatus.class));
  }
}
