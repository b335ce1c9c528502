package space.share.room.mediaclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import space.share.room.placement.MediaHost;
import space.share.room.rooms.StreamStatus;

/** The stream status client against a real HTTP server speaking docs/protocol.md's stream API. */
class HttpStreamStatusSourceTest {
  private HttpServer server;
  private HttpStreamStatusSource source;
  private MediaHost host;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/streams/", exchange -> {
      String id = exchange.getRequestURI().getPath().substring("/api/streams/".length());
      String body;
      int status;
      switch (id) {
        case "room1" -> {
          status = 200;
          body = "{\"id\":\"room1\",\"live\":true,\"codecs\":\"avc1.64001f,mp4a.40.2\",\"width\":1280,\"height\":720,"
              + "\"frameRate\":30.0,\"viewers\":3,\"since\":\"2026-11-21T05:00:00Z\",\"futureField\":1}";
        }
        case "broken" -> {
          status = 500;
          body = "{\"error\":\"internal_error\",\"message\":\"x\"}";
        }
        default -> {
          status = 404;
          body = "{\"error\":\"not_found\",\"message\":\"no stream " + id + "\"}";
        }
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.createContext("/healthz", exchange -> {
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    host = new MediaHost("a", "http://media.test", "http://127.0.0.1:" + server.getAddress().getPort() + "/",
        "rtmp://media.test/live", "rtmp://media.test/live");
    source = new HttpStreamStatusSource(Duration.ofSeconds(2));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void status_liveStream_parsedIgnoringUnknownFields() throws Exception {
    StreamStatus status = source.status(host, "room1").orElseThrow();
    assertTrue(status.live());
    assertEquals(1280, status.width());
    assertEquals(30.0, status.frameRate());
    assertEquals("avc1.64001f,mp4a.40.2", status.codecs());
  }

  @Test
  void status_unknownStream404_empty() throws Exception {
    assertEquals(Optional.empty(), source.status(host, "nope"));
  }

  @Test
  void status_serverError_ioException() {
    assertThrows(IOException.class, () -> source.status(host, "broken"));
  }

  @Test
  void status_nothingListening_ioException() throws Exception {
    server.stop(0);
    assertThrows(IOException.class, () -> source.status(host, "room1"));
    assertThrows(IOException.class, () -> source.checkHealth(host));
  }

  @Test
  void checkHealth_serverAnswers_returns() throws Exception {
    source.checkHealth(host);
  }
}
