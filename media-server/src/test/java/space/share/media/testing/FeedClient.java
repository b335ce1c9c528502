package space.share.media.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
        // The server threads too: CI shows only this message, and a stream that never ends is a stuck server.
        throw new AssertionError("no matching message within " + timeoutMs + " ms; got " + describe()
            + "; server threads: " + Diagnostics.serverThreads());
      }
      wait(left);
    }
  }

  /** Waits (bounded) until at least {@code count} fragments arrived; returns their mfhd sequence numbers. */
  public synchronized List<Integer> awaitFragments(int count, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      List<Integer> sequences = fragmentSequences();
      if (sequences.size() >= count) {
        return sequences;
      }
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        throw new AssertionError(sequences.size() + " of " + count + " fragments within " + timeoutMs + " ms");
      }
      wait(left);
    }
  }

  /**
   * Asserts that more than {@code moreThan} fragments arrived and that their mfhd sequence numbers are consecutive:
   * nothing was skipped for this viewer.
   */
  public void assertContiguousFragments(int moreThan) {
    List<Integer> sequences = fragmentSequences();
    for (int i = 1; i < sequences.size(); i++) {
      if (sequences.get(i) != sequences.get(i - 1) + 1) {
        throw new AssertionError("the viewer missed a fragment: " + sequences.get(i) + " came after "
            + sequences.get(i - 1) + " (fragment " + i + ")");
      }
    }
    if (sequences.size() <= moreThan) {
      throw new AssertionError("the viewer got only " + sequences.size() + " fragments, wanted more than " + moreThan);
    }
  }

  /** The mfhd sequence numbers of every fragment received, in order. */
  public synchronized List<Integer> fragmentSequences() {
    List<Integer> sequences = new ArrayList<>();
    for (byte[] moof : moofs()) {
      // moof's first child is mfhd: size(4) type(4) version+flags(4) sequence_number(4)
      String child = new String(moof, 12, 4, StandardCharsets.US_ASCII);
      if (!child.equals("mfhd")) {
        throw new AssertionError("moof starts with " + child + ", not mfhd");
      }
      sequences.add(ByteBuffer.wrap(moof).getInt(20));
    }
    return sequences;
  }

  /**
   * Every fragment's moof box received, in order (a binary message may batch several fragments; the one after each
   * header starts with the init segment, whose boxes are passed over).
   */
  public synchronized List<byte[]> moofs() {
    List<byte[]> moofs = new ArrayList<>();
    for (Message message : messages) {
      if (message.text() != null) {
        continue;
      }
      ByteBuffer data = ByteBuffer.wrap(message.binary());
      while (data.remaining() >= 8) {
        int start = data.position();
        int size = data.getInt(start);
        if (new String(message.binary(), start + 4, 4, StandardCharsets.US_ASCII).equals("moof")) {
          moofs.add(Arrays.copyOfRange(message.binary(), start, start + size));
        }
        data.position(start + size);
      }
    }
    return moofs;
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
