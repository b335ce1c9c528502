package space.share.room;

import space.share.settings.Settings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import space.share.room.mediaclient.MediaRevocationClient;
import space.share.room.mediaclient.StreamStatusSource;
import space.share.room.rooms.DesktopManager;

/** A real controller (Jetty on 127.0.0.1, port 0, H2 file in a temp dir) plus a small JSON HTTP client. */
public final class ControllerHarness implements AutoCloseable {
  public static final String ADMIN = "test-admin-token";
  public static final String SECRET = "share-space-test-secret";
  private static final ObjectMapper JSON = new ObjectMapper();

  public final RoomController controller;
  /** The controller's settings: {@link Settings#defaultsRead()} tells which keys it read. */
  public final Settings settings;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A JSON response. */
  public record Reply(int status, JsonNode body, HttpResponse<String> raw) {
    public String error() {
      return body.path("error").asText(null);
    }
  }

  public ControllerHarness(Path dataDir, FakeClock clock, StreamStatusSource streams, DesktopManager desktops,
      Map<String, String> extra) throws Exception {
    this(dataDir, clock, streams, desktops, extra, null);
  }

  /** @param revocations the media server's revocation side; null: HTTP to {@code room.media.internal-url} */
  public ControllerHarness(Path dataDir, FakeClock clock, StreamStatusSource streams, DesktopManager desktops,
      Map<String, String> extra, MediaRevocationClient revocations) throws Exception {
    this(dataDir, clock, streams, desktops, extra, revocations, DaemonThreads::scheduler);
  }

  /** @param schedulers by job name ({@code media-revocations}, {@code room-poller}): where the background jobs run */
  public ControllerHarness(Path dataDir, FakeClock clock, StreamStatusSource streams, DesktopManager desktops,
      Map<String, String> extra, MediaRevocationClient revocations,
      Function<String, ScheduledExecutorService> schedulers) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("secret", SECRET);
    properties.setProperty("room.admin-token", ADMIN);
    properties.setProperty("room.http.host", "127.0.0.1");
    properties.setProperty("room.http.port", "0");
    properties.setProperty("room.data-dir", dataDir.toString());
    properties.setProperty("room.passcode.bcrypt-cost", "4");
    properties.setProperty("room.media.poll-interval-ms", "100");
    properties.setProperty("room.vnc.probe-interval-ms", "100");
    properties.setProperty("room.media.public-url", "http://media.test:8081");
    properties.setProperty("room.public-url", "http://rooms.test:8080");
    // No media server unless a test names one: revocations fail fast (connection refused) instead of reaching
    // whatever listens on the default port of this machine.
    properties.setProperty("room.media.internal-url", "http://127.0.0.1:1");
    properties.putAll(extra);
    settings = Settings.of(properties, Map.of());
    controller = revocations == null ? new RoomController(settings, clock, streams, desktops)
        : new RoomController(settings, clock, streams, desktops, revocations);
    controller.withSchedulers(schedulers).start();
  }

  public String base() {
    return "http://127.0.0.1:" + controller.port();
  }

  public String wsBase() {
    return "ws://127.0.0.1:" + controller.port();
  }

  public Reply call(String method, String path, String bearer, Object body) throws IOException, InterruptedException {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10));
    if (bearer != null) {
      builder.header("Authorization", "Bearer " + bearer);
    }
    String json = body == null ? "" : (body instanceof String s ? s : JSON.writeValueAsString(body));
    builder.method(method, json.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (!json.isEmpty()) {
      builder.header("Content-Type", "application/json");
    }
    HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode node = response.body().isEmpty() ? JSON.createObjectNode() : parse(response.body());
    return new Reply(response.statusCode(), node, response);
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return JSON.createObjectNode().put("unparsed", body);
    }
  }

  /** Creates a room as admin; returns the creation reply body. */
  public JsonNode createRoom(String id, String passcode) throws IOException, InterruptedException {
    Map<String, Object> body = new HashMap<>();
    body.put("id", id);
    body.put("name", "Room " + id);
    body.put("passcode", passcode);
    body.put("ownerName", "Olive");
    Reply reply = call("POST", "/api/rooms", ADMIN, body);
    if (reply.status() != 201) {
      throw new AssertionError("create failed: " + reply.status() + " " + reply.body());
    }
    return reply.body();
  }

  /** Joins and returns the session body ({memberId, token, room}). */
  public JsonNode join(String roomId, String passcode, String name) throws IOException, InterruptedException {
    Reply reply = call("POST", "/api/rooms/" + roomId + "/join", null, Map.of("passcode", passcode, "name", name));
    if (reply.status() != 200) {
      throw new AssertionError("join failed: " + reply.status() + " " + reply.body());
    }
    return reply.body();
  }

  @Override
  public void close() {
    controller.stop();
  }
}
