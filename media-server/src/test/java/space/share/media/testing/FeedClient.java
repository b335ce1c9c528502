package space.share.media.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/** A WebSocket viewer of the fMP4 feed that records everything it receives, in order, with arrival times. */
public final class FeedClient implements Session.Listener.AutoDemanding, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One received message: text (JSON) or binary. */
  public record Message(String text, byte[] binary, long receivedNanos) {
    public JsonNode json() {
      try {
        return JSON.readTree(text);
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + text, e);
      }
    }

    public boolean isType(String type) {
      return text != null && type.equals(json().path("type").asText());
    }
  }

  private final WebSocketClient client;
  private final List<Message> messages = new ArrayList<>();
  private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private final CompletableFuture<String> closeReason = new CompletableFuture<>();
  private Session session;

  private FeedClient(WebSocketClient client) {
    this.client = client;
  }

  public static FeedClient connect(String url) throws Exception {
    WebSocketClient client = new WebSocketClient();
    client.setMaxBinaryMessageSize(16 * 1024 * 1024);
    client.start();
    FeedClient feed = new FeedClient(client);
    client.connect(feed, URI.create(url)).get(10, TimeUnit.SECONDS);
    return feed;
  }

  @Override
  public void onWebSocketOpen(Session newSession) {
    session = newSession;
  }

  @Override
  public synchronized void onWebSocketText(String text) {
    messages.add(new Message(text, null, System.nanoTime()));
    notifyAll();
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    byte[] bytes = new byte[payload.remaining()];
    payload.get(bytes);
    synchronized (this) {
      messages.add(new Message(null, bytes, System.nanoTime()));
      notifyAll();
    }
    callback.succeed();
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    closeReason.complete(reason);
    closeCode.complete(statusCode);
    synchronized (this) {
      notifyAll();
    }
  }

  public synchronized List<Message> messages() {
    return List.copyOf(messages);
  }

  /** Waits (bounded) until a message matches; returns it. */
  public synchronized Message await(Predicate<Message> condition, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      for (Message message : messages) {
        if (condition.test(message)) {
          return message;
        }
      }
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        throw new AssertionError("no matching message within " + timeoutMs + " ms; got " + describe());
      }
      wait(left);
    }
  }

  public int awaitClose(long timeoutMs) throws Exception {
    return closeCode.get(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** The close reason, once closed (empty string before). */
  public String closeReason() {
    return closeReason.getNow("");
  }

  public boolean isClosed() {
    return closeCode.isDone();
  }

  /**
   * Writes the init segment and fragments that follow the {@code generation}-th header to an MP4 file that ffprobe
   * and ffmpeg can read: exactly the bytes a MediaSource would get.
   */
  public Path writeGeneration(int generation, Path file) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int seen = 0;
    boolean inside = false;
    for (Message message : messages()) {
      if (message.isType("header")) {
        seen++;
        inside = seen == generation;
      } else if (message.text() != null) {
        inside = inside && !message.isType("ended");
      } else if (inside) {
        out.write(message.binary());
      }
    }
    Files.write(file, out.toByteArray());
    return file;
  }

  private String describe() {
    StringBuilder text = new StringBuilder();
    int binaries = 0;
    for (Message message : messages) {
      if (message.text() != null) {
        text.append(message.text()).append(' ');
      } else {
        binaries++;
      }
    }
    return text + "and " + binaries + " binary messages";
  }

  @Override
  public void close() throws Exception {
    if (session != null && session.isOpen()) {
      session.close();
    }
    client.stop();
  }
}
