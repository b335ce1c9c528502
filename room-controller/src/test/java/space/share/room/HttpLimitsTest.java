package space.share.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import space.share.settings.HttpLimits;

/** The room controller's connector with its limits, serving a trivial handler over raw sockets. */
class HttpLimitsTest {
  private static final HttpLimits LIMITS = new HttpLimits(/* maxConnections= */ 3, /* idleTimeoutMs= */ 500,
      /* maxRequestHeaderBytes= */ 2048);
  private Server server;
  private int port;

  private void start(HttpLimits limits) throws Exception {
    server = new Server();
    ServerConnector connector = HttpConnector.add(server, "127.0.0.1", 0, limits);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        response.write(true, StandardCharsets.UTF_8.encode("ok"), callback);
        return true;
      }
    });
    server.start();
    port = connector.getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  private Socket open() throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
    return socket;
  }

  private static String get(Socket socket, String extraHeader, int timeoutMs) throws IOException {
    socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: x\r\n" + extraHeader + "\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    socket.setSoTimeout(timeoutMs);
    byte[] buffer = new byte[256];
    try {
      int n = socket.getInputStream().read(buffer);
      return n < 0 ? "" : new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
    } catch (SocketTimeoutException e) {
      return "(no answer)";
    }
  }

  @Test
  void requestHeadersOverTheLimit_getStatus431() throws Exception {
    start(LIMITS);
    try (Socket socket = open()) {
      assertTrue(get(socket, "X-Big: " + "a".repeat(3000) + "\r\n", 2_000).startsWith("HTTP/1.1 431"));
    }
  }

  @Test
  void idleConnection_isClosedAfterTheIdleTimeout() throws Exception {
    start(LIMITS);
    try (Socket socket = open()) {
      socket.setSoTimeout(3_000);
      long started = System.nanoTime();
      InputStream in = socket.getInputStream();
      assertEquals(-1, in.read());
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
        assertTrue(get(socket, "", 2_000).startsWith("HTTP/1.1 200"));
      }
      try (Socket waiting = open()) {
        assertEquals("(no answer)", get(waiting, "", 700));
        held.remove(0).close();
        socketAnswers(waiting);
      }
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
  }

  private static void socketAnswers(Socket socket) throws IOException {
    socket.setSoTimeout(3_000);
    byte[] buffer = new byte[64];
    int n = socket.getInputStream().read(buffer);
    assertTrue(n > 0 && new String(buffer, 0, n, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"),
        "the waiting connection was not served once another closed");
  }
}
