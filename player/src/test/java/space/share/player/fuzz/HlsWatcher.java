package space.share.player.fuzz;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An LL-HLS reader of the live stream during the fuzz run: blocking playlist reloads on the preload hint, every new
 * part fetched once, its fragments' mfhd numbers checked for gaps like the feed viewer's. Runs on its own thread;
 * the run reads {@link #figures()}.
 */
final class HlsWatcher implements AutoCloseable {
  private static final Pattern PART = Pattern.compile("URI=\"part-(\\d+)\\.(\\d+)\\.m4s([^\"]*)\"");
  private static final Pattern HINT = Pattern.compile("PRELOAD-HINT:TYPE=PART,URI=\"part-(\\d+)\\.(\\d+)\\.m4s");
  private static final Pattern MAP = Pattern.compile("EXT-X-MAP:URI=\"init-(\\d+)\\.mp4");

  private final String base;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private final FragmentSequence sequence = new FragmentSequence();
  private final Thread thread;
  private volatile boolean closed;
  private long playlists;
  private long parts;
  private long failures;
  private String lastFailure = "";

  /** @param base e.g. {@code http://127.0.0.1:8081/live/fuzz/}; {@code token} without {@code ?token=} */
  HlsWatcher(String base, String token) {
    this.base = base;
    this.token = token;
    this.thread = new Thread(this::run, "fuzz-hls-reader");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    long lastMsn = -1;
    int lastIndex = -1;
    int generation = -1;
    String next = "";
    while (!closed) {
      try {
        HttpResponse<String> playlist = http.send(HttpRequest.newBuilder(URI.create(base + "media.m3u8?token=" + token + next))
            .timeout(Duration.ofSeconds(8)).build(), HttpResponse.BodyHandlers.ofString());
        if (playlist.statusCode() != 200) {
          failed("playlist " + playlist.statusCode());
          next = "";
          pause();
          continue;
        }
        synchronized (this) {
          playlists++;
        }
        String text = playlist.body();
        Matcher map = MAP.matcher(text);
        int newest = -1;
        while (map.find()) newest = Integer.parseInt(map.group(1));
        if (newest != generation) {
          generation = newest;
          synchronized (this) {
            sequence.reset();
          }
        }
        Matcher part = PART.matcher(text);
        while (part.find()) {
          long msn = Long.parseLong(part.group(1));
          int index = Integer.parseInt(part.group(2));
          if (msn < lastMsn || (msn == lastMsn && index <= lastIndex)) continue;
          HttpResponse<byte[]> body = http.send(HttpRequest.newBuilder(URI.create(base + "part-" + msn + "." + index + ".m4s"
              + part.group(3))).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
          if (body.statusCode() != 200) {
            failed("part " + msn + "." + index + " " + body.statusCode());
            continue;
          }
          synchronized (this) {
            parts++;
            sequence.accept(ByteBuffer.wrap(body.body()));
          }
          lastMsn = msn;
          lastIndex = index;
        }
        Matcher hint = HINT.matcher(text);
        next = hint.find() ? "&_HLS_msn=" + hint.group(1) + "&_HLS_part=" + hint.group(2) : "";
        if (next.isEmpty()) pause();
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        failed(e.toString());
        next = "";
        pause();
      }
    }
  }

  private synchronized void failed(String why) {
    if (closed) return;
    failures++;
    lastFailure = why;
  }

  private void pause() {
    try {
      Thread.sleep(200); // no hint to block on (stream not live yet): poll, as a player would
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  synchronized Figures figures() {
    return new Figures(playlists, parts, sequence.fragments, sequence.lost, failures, lastFailure);
  }

  /** What the reader saw. */
  record Figures(long playlists, long parts, long fragments, long lost, long failures, String lastFailure) {}

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
