package space.share.player.fuzz;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live stream's good viewer during the fuzz run: one WebSocket feed connection (reconnected if it drops) whose
 * fragments must carry contiguous mfhd sequence numbers. Counts fragments, fragments lost, disconnects, the
 * longest silence between two fragments, and publishes (header generations).
 *
 * <p>The JDK WebSocket delivers callbacks one at a time; the counters are read by the run's thread under the
 * object's lock.
 */
final class FeedWatcher implements AutoCloseable {
  private static final Pattern GENERATION = Pattern.compile("\"generation\"\\s*:\\s*(\\d+)");

  private final URI feed;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private final FragmentSequence sequence = new FragmentSequence();
  private volatile boolean closed;
  private volatile WebSocket socket;
  private long disconnects;
  private long generation = -1;
  private long generations;
  private long lastFragmentNanos;
  private long longestSilenceMs;
  private long silencesOver1s;
  private String lastCloseReason = "";

  FeedWatcher(URI feed) {
    this.feed = feed;
  }

  /** Connects; true when the socket opened within {@code timeout} (a loaded machine may take seconds). */
  boolean start(Duration timeout) {
    long until = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < until) {
      if (connect()) return true;
      try {
        Thread.sleep(200); // between connect attempts
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private boolean connect() {
    try {
      socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(feed, new Listener())
          .get(15, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      synchronized (this) {
        lastCloseReason = "connect failed: " + e;
      }
      return false;
    }
  }

  private void dropped(String why) {
    synchronized (this) {
      if (closed) return;
      disconnects++;
      lastCloseReason = why;
    }
    // Reconnect from a fresh thread (never from the callback), once; the next drop does the same.
    CompletableFuture.runAsync(() -> {
      for (int attempt = 0; attempt < 20 && !closed; attempt++) {
        if (connect()) return;
        try {
          Thread.sleep(250); // backoff between reconnect attempts of a viewer, as a player would
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  private final class Listener implements WebSocket.Listener {
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private final StringBuilder text = new StringBuilder();

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        Matcher m = GENERATION.matcher(text);
        if (text.indexOf("\"header\"") >= 0 && m.find()) {
          long g = Long.parseLong(m.group(1));
          synchronized (FeedWatcher.this) {
            if (g != generation) {
              generation = g;
              generations++;
              sequence.reset();
            }
          }
        }
        text.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      binary.writeBytes(chunk);
      if (last) {
        ByteBuffer message = ByteBuffer.wrap(binary.toByteArray());
        binary.reset();
        synchronized (FeedWatcher.this) {
          long before = sequence.fragments;
          sequence.accept(message);
          if (sequence.fragments > before) {
            long now = System.nanoTime();
            if (lastFragmentNanos != 0) {
              long silenceMs = TimeUnit.NANOSECONDS.toMillis(now - lastFragmentNanos);
              longestSilenceMs = Math.max(longestSilenceMs, silenceMs);
              if (silenceMs > 1_000) silencesOver1s++;
            }
            lastFragmentNanos = now;
          }
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      dropped("closed " + statusCode + " " + reason);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      dropped("error " + error);
    }
  }

  /** Resets the longest-silence figure (the warm-up before the fuzz run does not count). */
  synchronized void startMeasuring() {
    longestSilenceMs = 0;
    silencesOver1s = 0;
  }

  synchronized Figures figures() {
    return new Figures(sequence.fragments, sequence.lost, sequence.gaps, disconnects, generations, longestSilenceMs,
        silencesOver1s, lastCloseReason);
  }

  /** What the viewer saw. */
  record Figures(long fragments, long lost, long gaps, long disconnects, long generations, long longestSilenceMs,
      long silencesOver1s, String lastCloseReason) {}

  @Override
  public void close() {
    closed = true;
    WebSocket s = socket;
    if (s != null) s.abort();
  }
}
