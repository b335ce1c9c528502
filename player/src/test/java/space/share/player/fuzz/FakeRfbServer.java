package space.share.player.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The room's VNC server as far as the proxy can tell: on loopback, it greets every connection with
 * {@code RFB 003.008\n} (RFC 6143 §7.1.1), then reads and discards whatever comes until the peer closes or is silent
 * for 10 s. At most 64 connections at once (more are closed at accept). Counts connections and bytes received.
 */
final class FakeRfbServer implements AutoCloseable {
  private static final int MAX_CONNECTIONS = 64;
  private static final int IDLE_MS = 10_000;

  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-rfb");
    t.setDaemon(true);
    return t;
  });
  private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
  final AtomicLong connections = new AtomicLong();
  final AtomicLong bytesReceived = new AtomicLong();

  FakeRfbServer() throws IOException {
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    threads.execute(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return;
      }
      connections.incrementAndGet();
      if (!slots.tryAcquire()) {
        closeQuietly(s);
        continue;
      }
      threads.execute(() -> {
        try (s) {
          s.setSoTimeout(IDLE_MS);
          // RFB 3.8 up to SecurityResult with security type None (RFC 6143 7.1), as the proxy's own handshake with
          // the room's VNC server needs; everything after it (the fuzzer's bytes) is counted and dropped.
          var out = s.getOutputStream();
          InputStream in = s.getInputStream();
          out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
          in.readNBytes(12);
          out.write(new byte[] {1, 1});
          in.readNBytes(1);
          out.write(new byte[] {0, 0, 0, 0});
          byte[] buf = new byte[16_384];
          for (int n; (n = in.read(buf)) >= 0; ) bytesReceived.addAndGet(n);
        } catch (IOException e) {
          // the peer went away or fell silent
        } finally {
          slots.release();
        }
      });
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
