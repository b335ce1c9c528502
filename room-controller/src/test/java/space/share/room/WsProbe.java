package space.share.room;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * A test WebSocket client: text messages into a queue, binary bytes into a blocking byte stream, the
 * close code into a future. Public so Jetty can bind its listener methods.
 */
public final class WsProbe implements Session.Listener.AutoDemanding {
  public final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
  public final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  public final CompletableFuture<String> closeReason = new CompletableFuture<>();
  /** Received binary bytes not yet read: {@code buffer[start, end)}; guarded by {@code lock}. */
  private final Object lock = new Object();
  private byte[] buffer = new byte[64 * 1024];
  private int start;
  private int end;
  private volatile Session session;

  public static WsProbe connect(WebSocketClient client, String url, String... subprotocols) throws Exception {
    WsProbe probe = new WsProbe();
    ClientUpgradeRequest request = new ClientUpgradeRequest();
    if (subprotocols.length > 0) {
      request.setSubProtocols(List.of(subprotocols));
    }
    client.connect(probe, URI.create(url), request).get(5, TimeUnit.SECONDS);
    return probe;
  }

  public Session session() {
    return session;
  }

  @Override
  public void onWebSocketOpen(Session session) {
    this.session = session;
  }

  public final java.util.concurrent.atomic.AtomicInteger pongs = new java.util.concurrent.atomic.AtomicInteger();

  public final java.util.concurrent.atomic.AtomicInteger pings = new java.util.concurrent.atomic.AtomicInteger();

  /** Counts and answers pings (overriding this method makes that our job). */
  @Override
  public void onWebSocketPing(ByteBuffer payload) {
    pings.incrementAndGet();
    session.sendPong(payload, Callback.NOOP);
  }

  @Override
  public void onWebSocketPong(ByteBuffer payload) {
    pongs.incrementAndGet();
  }

  public void ping() throws Exception {
    CompletableFuture<Void> sent = new CompletableFuture<>();
    session.sendPing(ByteBuffer.wrap(new byte[] {1, 2, 3}), Callback.from(() -> sent.complete(null), sent::completeExceptionally));
    sent.get(5, TimeUnit.SECONDS);
  }

  @Override
  public void onWebSocketText(String message) {
    texts.add(message);
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    synchronized (lock) {
      int count = payload.remaining();
      if (end + count > buffer.length) {
        int unread = end - start;
        byte[] target = unread + count > buffer.length ? new byte[Math.max(buffer.length * 2, unread + count)] : buffer;
        System.arraycopy(buffer, start, target, 0, unread);
        buffer = target;
        start = 0;
        end = unread;
      }
      payload.get(buffer, end, count);
      end += count;
      lock.notifyAll();
    }
    callback.succeed();
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    closeCode.complete(statusCode);
    closeReason.complete(reason);
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    closeCode.complete(-1);
    closeReason.complete(String.valueOf(cause));
  }

  /** Binary bytes received and not read yet. */
  public int available() {
    synchronized (lock) {
      return end - start;
    }
  }

  /** The next {@code count} binary bytes, waiting at most {@code timeout}. */
  public byte[] read(int count, Duration timeout) throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (end - start < count) {
        long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (leftMs <= 0 || closeCode.isDone()) {
          throw new TimeoutException("wanted " + count + " bytes, have " + (end - start)
              + (closeCode.isDone() ? ", closed " + closeCode.getNow(null) + " " + closeReason.getNow("") : ""));
        }
        lock.wait(leftMs);
      }
      byte[] out = new byte[count];
      System.arraycopy(buffer, start, out, 0, count);
      start += count;
      return out;
    }
  }

  public void sendBinary(byte[] data) throws Exception {
    CompletableFuture<Void> sent = new CompletableFuture<>();
    session.sendBinary(ByteBuffer.wrap(data), Callback.from(() -> sent.complete(null), sent::completeExceptionally));
    sent.get(5, TimeUnit.SECONDS);
  }

  /** Waits for a text message whose JSON has {@code "type":"<type>"}; skips others. */
  public String awaitType(String type, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      String message = leftMs <= 0 ? null : texts.poll(leftMs, TimeUnit.MILLISECONDS);
      if (message == null) {
        throw new AssertionError("no \"" + type + "\" message within " + timeout);
      }
      if (message.contains("\"type\":\"" + type + "\"")) {
        return message;
      }
    }
  }

  public int awaitClose(Duration timeout) throws Exception {
    return closeCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public void close() throws IOException {
    Session current = session;
    if (current != null && current.isOpen()) {
      current.close();
    }
  }
}
