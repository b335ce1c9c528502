package space.share.media.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import space.share.media.access.AccessPolicy;
import space.share.media.access.RevocationRequests;
import space.share.media.stream.StreamRegistry;
import space.share.settings.HttpLimits;

/** The media server's Jetty with its limits, over raw sockets. */
class MediaHttpServerLimitsTest {
  private MediaHttpServer server;

  private void start(HttpLimits limits) throws Exception {
    server = new MediaHttpServer("127.0.0.1", 0, new StreamRegistry(),
        new AccessPolicy("", Map.of(), Clock.systemUTC()), new RevocationRequests("", Clock.systemUTC()), 1 << 20,
        null, limits);
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private Socket open() throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2_000);
    return socket;
  }

  private static String healthz(Socket socket, String extraHeader, int timeoutMs) throws IOException {
    socket.getOutputStream().write(("GET /healthz HTTP/1.1\r\nHost: x\r\n" + extraHeader + "\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    socket.setSoTimeout(timeoutMs);
    byte[] buffer = new byte[512];
    try {
      int n = socket.getInputStream().read(buffer);
      return n < 0 ? "" : new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
    } catch (SocketTimeoutException e) {
      return "(no answer)";
    }
  }

  @Test
  void requestHeadersOverTheLimit_getStatus431() throws Exception {
    start(new HttpLimits(16, 30_000, 2048));
    try (Socket socket = open()) {
      assertTrue(healthz(socket, "X-Big: " + "a".repeat(3000) + "\r\n", 2_000).startsWith("HTTP/1.1 431"));
    }
  }

  @Test
  void idleConnection_isClosedAfterTheIdleTimeout() throws Exception {
    start(new HttpLimits(16, 500, 8192));
    try (Socket socket = open()) {
      socket.setSoTimeout(3_000);
      long started = System.nanoTime();
      assertEquals(-1, socket.getInputStream().read());
      assertTrue((System.nanoTime() - started) / 1_000_000 < 2_500, "closed late");
    }
  }

  @Test
  void connectionsPastTheLimit_waitUntilOneCloses() throws Exception {
    start(new HttpLimits(3, 30_000, 8192));
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Socket socket = open();
        held.add(socket);
        assertTrue(healthz(socket, "", 2_000).startsWith("HTTP/1.1 200"));
      }
      assertEquals(3, server.openConnections());
      try (Socket waiting = open()) {
        assertEquals("(no answer)", healthz(waiting, "", 700));
        held.remove(0).close();
        waiting.setSoTimeout(3_000);
        byte[] buffer = new byte[64];
        int n = waiting.getInputStream().read(buffer);
        assertTrue(n > 0 && new String(buffer, 0, n, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"),
            "the waiting connection was not served once another closed");
      }
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
  }
}
