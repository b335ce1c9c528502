package space.share.media.hls;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import space.share.media.MediaConfig;
import space.share.media.MediaServer;
import space.share.media.access.AccessPolicy.StaticStream;
import space.share.media.testing.Nginx;
import space.share.media.testing.StampedSource;
import space.share.media.testing.StaticPages;

/**
 * Prints LL-HLS figures on this machine (loopback, stamped 720p30 3 Mbit/s + AAC source over RTMP, 200 ms parts):
 * <ol>
 *   <li>capture-to-display latency as hls.js plays it in headless Chromium: hls.js defaults with lowLatencyMode,
 *       a tuned hls.js config, and through the nginx cache;
 *   <li>origin request rate and CPU with N simulated LL-HLS viewers (blocking reload + part fetch each), directly
 *       and behind nginx;
 *   <li>for comparison, nginx-rtmp's own HLS (Debian's libnginx-mod-rtmp, 1 s fragments) in hls.js.
 * </ol>
 * Each phase is bounded (about 20 s). Run from the repository root:
 * <pre>bench/hls.sh [viewers] [loadSeconds]</pre>
 */
public final class HlsBenchmark {
  private static final Pattern LAST_PART = Pattern.compile("URI=\"(part-(\\d+)\\.(\\d+)\\.m4s)");
  private static final long WARMUP_MS = 6_000;
  private static final long MEASURE_MS = 14_000;

  private HlsBenchmark() {}

  public static void main(String[] args) throws Exception {
    int viewers = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int loadSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    Map<String, String> results = new java.util.LinkedHashMap<>();
    MediaServer server = MediaServer.start(new MediaConfig("127.0.0.1", 0, 0, "", Map.of("bench",
        new StaticStream("bench", "bench-key", /* open= */ true)), 4 * 1024 * 1024, 200));
    try (StaticPages pages = StaticPages.hlsPlayer();
        StampedSource source = StampedSource.publish(
            "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/bench-key", /* withAudio= */ true);
        Nginx edge = Nginx.start(Path.of("../config/nginx-llhls.conf"), "127.0.0.1:" + server.httpPort())) {
      HlsServingIT.awaitPlaylistOn(server, "bench", 5);
      String origin = "http://127.0.0.1:" + server.httpPort() + "/live/bench/index.m3u8";

      results.put("hls.js LL defaults, origin", HlsJsPlayback.play(pages, origin, "ll", WARMUP_MS, MEASURE_MS)
          .summary());
      print(results);
      results.put("hls.js LL tuned (liveSyncDuration 0.7, liveMaxLatencyDuration 1.1, maxLiveSyncPlaybackRate 1.1), "
          + "origin", HlsJsPlayback.play(pages, origin, HlsJsPlayback.LOW_LATENCY_TUNED, WARMUP_MS,
          MEASURE_MS).summary());
      print(results);
      results.put("hls.js LL defaults, through nginx cache", HlsJsPlayback.play(pages,
          edge.url("/live/bench/index.m3u8"), "ll", WARMUP_MS, MEASURE_MS).summary());
      print(results);

      results.put(viewers + " simulated LL-HLS viewers, origin direct",
          load("http://127.0.0.1:" + server.httpPort(), viewers, loadSeconds, null));
      print(results);
      results.put(viewers + " simulated LL-HLS viewers, through nginx",
          load(edge.url(""), viewers, loadSeconds, edge));
      print(results);
    } finally {
      server.close();
    }
    results.put("nginx-rtmp HLS (1 s fragments), hls.js tuned for plain HLS", nginxRtmp());
    print(results);
    System.exit(0);
  }

  private static void print(Map<String, String> results) {
    System.out.println("\n==== LL-HLS benchmark (200 ms parts, 1 s GOP, loopback) ====");
    results.forEach((name, figure) -> System.out.println("* " + name + ":\n    " + figure));
  }

  /**
   * N viewers doing what an LL-HLS player does, as fast as the origin lets them: a blocking reload for the next part,
   * then that part. Reports requests/s, the origin's CPU (its threads only, not this load generator's) and, behind
   * nginx, how many requests reached the origin.
   */
  private static String load(String base, int viewers, int seconds, Nginx edge) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String playlist = new String(client.send(HttpRequest.newBuilder(URI.create(base + "/live/bench/media.m3u8"))
        .build(), HttpResponse.BodyHandlers.ofByteArray()).body());
    MatchResult last = lastPart(playlist);
    long startMsn = Long.parseLong(last.group(2));
    int startPart = Integer.parseInt(last.group(3));
    AtomicLong requests = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    long originMissesBefore = edge == null ? 0 : count(edge.accessLog(), "cache=MISS");
    long deadlineNanos = System.nanoTime() + seconds * 1_000_000_000L;
    Map<Long, Long> cpuBefore = serverThreadCpuNanos();
    long wallStart = System.nanoTime();
    CompletableFuture<?>[] loops = new CompletableFuture<?>[viewers];
    for (int i = 0; i < viewers; i++) {
      loops[i] = viewerLoop(client, base, startMsn, startPart + 1, deadlineNanos, requests, bytes, failures);
    }
    CompletableFuture.allOf(loops).get();
    double wallS = (System.nanoTime() - wallStart) / 1e9;
    Map<Long, Long> cpuAfter = serverThreadCpuNanos();
    long cpuNanos = 0;
    for (Map.Entry<Long, Long> entry : cpuAfter.entrySet()) {
      cpuNanos += entry.getValue() - cpuBefore.getOrDefault(entry.getKey(), 0L);
    }
    String line = String.format(Locale.ROOT, "%.0f requests/s (%d in %.1f s, %d failed), %.1f Mbit/s to viewers, "
            + "origin JVM threads %.0f%% of one core (%.0f us CPU per request)", requests.get() / wallS, requests.get(),
        wallS, failures.get(), bytes.get() * 8 / wallS / 1e6, 100.0 * cpuNanos / (wallS * 1e9),
        cpuNanos / 1e3 / Math.max(1, requests.get()));
    if (edge != null) {
      long originRequests = count(edge.accessLog(), "cache=MISS") - originMissesBefore;
      line += String.format(Locale.ROOT, "; origin saw %.1f requests/s (%d cache misses)", originRequests / wallS,
          originRequests);
    }
    return line;
  }

  private static CompletableFuture<Void> viewerLoop(HttpClient client, String base, long msn, int part,
      long deadlineNanos, AtomicLong requests, AtomicLong bytes, AtomicLong failures) {
    if (System.nanoTime() > deadlineNanos) {
      return CompletableFuture.completedFuture(null);
    }
    String url = base + "/live/bench/media.m3u8?_HLS_msn=" + msn + "&_HLS_part=" + part + "&_HLS_skip=YES";
    return client.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString())
        .thenCompose(response -> {
          requests.incrementAndGet();
          bytes.addAndGet(response.body().length());
          MatchResult last = response.statusCode() == 200 ? lastPart(response.body()) : null;
          if (last == null) {
            failures.incrementAndGet();
            return viewerLoop(client, base, msn, part, deadlineNanos, requests, bytes, failures);
          }
          long lastMsn = Long.parseLong(last.group(2));
          int lastIndex = Integer.parseInt(last.group(3));
          // As hls.js does: after the last part of a finished segment, ask for part 0 of the next one.
          boolean segmentDone = response.body().contains("seg-" + lastMsn + ".m4s");
          long nextMsn = segmentDone ? lastMsn + 1 : lastMsn;
          int nextPart = segmentDone ? 0 : lastIndex + 1;
          return client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/live/bench/" + last.group(1)))
                  .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray())
              .thenCompose(partResponse -> {
                requests.incrementAndGet();
                bytes.addAndGet(partResponse.body().length);
                if (partResponse.statusCode() != 200) {
                  failures.incrementAndGet();
                }
                return viewerLoop(client, base, nextMsn, nextPart, deadlineNanos, requests, bytes, failures);
              });
        })
        .exceptionally(failure -> {
          failures.incrementAndGet();
          return null;
        });
  }

  private static MatchResult lastPart(String playlist) {
    Matcher matcher = LAST_PART.matcher(playlist);
    MatchResult last = null;
    while (matcher.find()) {
      last = matcher.toMatchResult();
    }
    return last;
  }

  /** CPU time of this JVM's threads except the load generator's (JDK HttpClient threads). */
  private static Map<Long, Long> serverThreadCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<Long, Long> out = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && !info.getThreadName().startsWith("HttpClient")) {
        long cpu = threads.getThreadCpuTime(info.getThreadId());
        if (cpu >= 0) {
          out.put(info.getThreadId(), cpu);
        }
      }
    }
    return out;
  }

  private static long count(String text, String needle) {
    return Pattern.compile(Pattern.quote(needle)).matcher(text).results().count();
  }

  /** nginx-rtmp receives the same stamped publish and writes 1 s MPEG-TS fragments; hls.js plays them. */
  private static String nginxRtmp() throws Exception {
    int rtmpPort = Nginx.freePort();
    try (Nginx rtmp = Nginx.start(Path.of("src/test/resources/bench/nginx-rtmp-hls.conf"),
            Map.of("SS_RTMP_PORT", String.valueOf(rtmpPort)));
        StaticPages pages = StaticPages.hlsPlayer();
        StampedSource source = StampedSource.publish("rtmp://127.0.0.1:" + rtmpPort + "/live/bench",
            /* withAudio= */ true)) {
      String playlist = rtmp.url("/hls/bench.m3u8");
      HttpClient client = HttpClient.newHttpClient();
      long deadline = System.currentTimeMillis() + 20_000;
      while (System.currentTimeMillis() < deadline) {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(playlist)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200 && response.body().split("#EXTINF", -1).length > 4) {
          break;
        }
        Thread.sleep(250);
      }
      return HlsJsPlayback.play(pages, playlist, "legacy", WARMUP_MS, MEASURE_MS).summary();
    }
  }
}
