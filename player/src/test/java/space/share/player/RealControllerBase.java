package space.share.player;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import space.share.settings.Settings;
import space.share.room.RoomController;

/**
 * Page tests against the real room controller (in-process, serving these pages from the classpath folder
 * player/) in front of the real media server of {@link RealMediaBase}.
 */
abstract class RealControllerBase extends RealMediaBase {
  static final String ADMIN = "admin-token-real-controller";
  static final ObjectMapper JSON = new ObjectMapper();
  RoomController controller;
  /** The controller's base URL, ending in "/". */
  String base;
  Path dataDir;

  /** Starts the controller on a fresh data dir; extra config keys (e.g. room.vnc.static-target) on top. */
  void startController(Map<String, String> extra) throws Exception {
    dataDir = Files.createTempDirectory("rooms-");
    String media = "http://127.0.0.1:" + media().httpPort();
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort(); // known before start: room.public-url (event and VNC socket URLs) needs it
    }
    Properties p = new Properties();
    p.setProperty("secret", SECRET);
    p.setProperty("room.admin-token", ADMIN);
    p.setProperty("room.http.host", "127.0.0.1");
    p.setProperty("room.http.port", String.valueOf(port));
    p.setProperty("room.public-url", "http://127.0.0.1:" + port);
    p.setProperty("room.data-dir", dataDir.toString());
    p.setProperty("room.passcode.bcrypt-cost", "4");
    p.setProperty("room.media.public-url", media);
    p.setProperty("room.media.internal-url", media);
    p.setProperty("room.media.rtmp-url", "rtmp://127.0.0.1:" + media().rtmpPort() + "/live");
    extra.forEach(p::setProperty);
    controller = new RoomController(Settings.of(p, Map.of()));
    controller.start();
    base = "http://127.0.0.1:" + controller.port() + "/";
  }

  /** Stops the controller (if started) and removes its data dir. */
  void stopController() throws Exception {
    try {
      if (controller != null) controller.stop();
    } finally {
      if (dataDir != null) {
        try (var walk = Files.walk(dataDir)) {
          walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
    }
  }

  /** An admin API call that must succeed; its JSON answer. */
  JsonNode admin(String method, String path, String body) throws Exception {
    HttpRequest.Builder rq = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + ADMIN)
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10));
    rq.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> res = HttpClient.newHttpClient().send(rq.build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(res.statusCode() < 300, method + " " + path + " -> " + res.statusCode() + " " + res.body());
    return JSON.readTree(res.body());
  }
}
