package space.share.media.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * Fan-out benchmark of the WebSocket feed. The media server runs as its own process from {@code bin/media-server}
 * (its own JVM, with the heap options that script gives it), ffmpeg publishes 720p30 at ~3 Mbps + AAC over RTMP,
 * and N WebSocket viewers run in this JVM, so the server's RSS and CPU read from {@code /proc/<pid>} are the
 * server's alone. The viewers offer {@code permessage-deflate} as browsers do ({@code BENCH_JAVA_OPTS=-Dbench.deflate=false}
 * in bench/feed.sh: they do not). Prints, per N: delivery latency
 * (prft wall clock → received), join (connect → first fragment), viewers that fell behind or were closed, the
 * server's CPU (% of one core) and RSS, ffmpeg's CPU and this (client) JVM's CPU.
 *
 * <p>Run: {@code bench/feed.sh [seconds] [viewers...]} (defaults: 15 s; 100 500 1000). Every wait is bounded; the
 * server and ffmpeg are stopped on the way out. {@code -Dbench.homes=DIR,DIR...}: one run per build (a directory
 * holding {@code bin/media-server} and its build, e.g. another commit's tree), in order, so that two builds are
 * compared under the same load. {@code -Dbench.jfr=DIR}: a JFR recording of the server over each measurement.
 */
public final class FeedBenchmark {
  private static final String STREAM = "bench";
  private static final String KEY = "bench-relay-key-0123456789";
  /** {@code -Dbench.deflate=false}: viewers that do not offer permessage-deflate (browsers do). */
  private static final boolean OFFER_DEFLATE = !"false".equals(System.getProperty("bench.deflate"));
  /** {@code -Dbench.jfr=DIR}: where each measurement's JFR recording of the server goes (none when unset). */
  private static final String JFR_DIR = System.getProperty("bench.jfr");

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    List<Integer> viewerCounts = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      viewerCounts.add(Integer.parseInt(args[i]));
    }
    if (viewerCounts.isEmpty()) {
      viewerCounts = List.of(100, 500, 1000);
    }
    for (String home : System.getProperty("bench.homes", ".").split(",")) {
      runServer(Path.of(home), seconds, viewerCounts);
    }
    System.exit(0);
  }

  /** Starts the build in {@code home}, publishes into it and runs every viewer count against it. */
  private static void runServer(Path home, int seconds, List<Integer> viewerCounts) throws Exception {
    int rtmpPort = freePort();
    int httpPort = freePort();
    ProcessBuilder serverBuilder = new ProcessBuilder(home.resolve("bin/media-server").toString())
        .redirectErrorStream(true).redirectOutput(Path.of("/tmp/feed-bench-server.log").toFile());
    Map<String, String> env = serverBuilder.environment();
    env.put("SHARE_SPACE_DEV_MODE", "on");
    env.put("SHARE_SPACE_MEDIA_BIND_HOST", "127.0.0.1");
    env.put("SHARE_SPACE_MEDIA_RTMP_PORT", String.valueOf(rtmpPort));
    env.put("SHARE_SPACE_MEDIA_HTTP_PORT", String.valueOf(httpPort));
    env.put("SHARE_SPACE_MEDIA_STREAMS_BENCH_KEY", KEY);
    env.put("SHARE_SPACE_MEDIA_STREAMS_BENCH_PUBLIC", "true");
    Process server = serverBuilder.start();
    List<Process> started = new java.util.concurrent.CopyOnWriteArrayList<>(List.of(server));
    // bench/feed.sh's timeout ends this JVM with SIGTERM: what it started goes with it.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> started.forEach(Process::destroyForcibly)));
    Process ffmpeg = null;
    try {
      awaitHttp(server, "http://127.0.0.1:" + httpPort + "/healthz", "ok");
      awaitPort(server, rtmpPort); // RTMP starts listening after HTTP
      ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
          "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30,noise=alls=12:allf=t",
          "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
          "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "30", "-keyint_min", "30",
          "-sc_threshold", "0", "-b:v", "3M", "-maxrate", "3M", "-bufsize", "1M",
          "-c:a", "aac", "-b:a", "128k", "-f", "flv", "rtmp://127.0.0.1:" + rtmpPort + "/live/" + KEY)
          .redirectErrorStream(true).redirectOutput(Path.of("/tmp/feed-bench-ffmpeg.log").toFile()).start();
      started.add(ffmpeg);
      awaitHttp(server, "http://127.0.0.1:" + httpPort + "/api/streams/" + STREAM, "\"live\":true");
      Thread.sleep(2_000); // let the encoder settle
      System.out.printf("%nWebSocket feed fan-out: 1280x720 30 fps ~3 Mbps + AAC, %d s per run; server pid %d"
          + " (%s/bin/media-server, own JVM); load %s%n", seconds, server.pid(), home.toAbsolutePath().normalize(),
          loadAverage());
      System.out.printf("%8s | %-22s | %-23s | %9s | %6s | %6s | %-13s | %-15s | %7s | %7s | %s%n", "viewers",
          "delivered p50/p99", "join p50/max (none)", "Mbit/s/vw", "behind", "closed", "srv CPU (sys)", "srv RSS/peak MB",
          "ffmpeg", "clients", "deflate");
      for (int viewers : viewerCounts) {
        run(server, ffmpeg, httpPort, viewers, seconds);
      }
      System.out.printf("idle after the last run (5 s): server RSS %d MB; load %s%n", settleRssMb(server),
          loadAverage());
    } finally {
      if (ffmpeg != null) {
        ffmpeg.destroy();
        ffmpeg.waitFor(5, TimeUnit.SECONDS);
        ffmpeg.destroyForcibly();
      }
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  private static void run(Process server, Process ffmpeg, int httpPort, int viewerCount, int seconds)
      throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(16, 4);
    threads.setName("bench-viewer");
    org.eclipse.jetty.client.HttpClient http = new org.eclipse.jetty.client.HttpClient();
    http.setExecutor(threads);
    WebSocketClient client = new WebSocketClient(http);
    client.setMaxBinaryMessageSize(16 * 1024 * 1024);
    client.setIdleTimeout(Duration.ofSeconds(30));
    client.start();
    Recorder delivered = new Recorder(3);
    Histogram join = new Histogram(3);
    List<Viewer> viewers = new ArrayList<>();
    URI feed = URI.create("ws://127.0.0.1:" + httpPort + "/live/" + STREAM + "/feed");
    List<CompletableFuture<Session>> connects = new ArrayList<>();
    for (int i = 0; i < viewerCount; i++) {
      Viewer viewer = new Viewer(delivered);
      ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
      if (OFFER_DEFLATE) {
        upgrade.addExtensions("permessage-deflate"); // as Chromium and Firefox offer it
      }
      connects.add(client.connect(viewer, feed, upgrade));
      viewers.add(viewer);
      if (connects.size() % 50 == 0) {
        CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      }
    }
    CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    long joinDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (viewers.stream().anyMatch(v -> v.joinNanos.get() == 0) && System.nanoTime() < joinDeadline) {
      Thread.sleep(50);
    }
    viewers.stream().filter(v -> v.joinNanos.get() > 0).forEach(v -> join.recordValue(v.joinNanos.get() / 1000));
    long neverJoined = viewers.stream().filter(v -> v.joinNanos.get() == 0).count();
    long deflated = viewers.stream().filter(v -> v.deflate).count();
    Thread.sleep(1_000); // past the GOP each new viewer starts with
    viewers.forEach(Viewer::resetCounters);
    delivered.reset();
    if (JFR_DIR != null) {
      new ProcessBuilder("jcmd", String.valueOf(server.pid()), "JFR.start", "name=bench", "settings=profile", "duration=" + seconds + "s",
          "filename=" + Path.of(JFR_DIR, "server-" + server.pid() + "-" + viewerCount + ".jfr").toAbsolutePath())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
    }
    long serverTicksBefore = cpuTicks(server.pid());
    long serverSysTicksBefore = sysTicks(server.pid());
    long ffmpegTicksBefore = cpuTicks(ffmpeg.pid());
    long clientTicksBefore = cpuTicks(ProcessHandle.current().pid());
    long start = System.nanoTime();
    long peakRssKb = 0;
    for (int s = 0; s < seconds; s++) {
      Thread.sleep(1000);
      peakRssKb = Math.max(peakRssKb, statusKb(server.pid(), "VmRSS:"));
    }
    double wallS = (System.nanoTime() - start) / 1e9;
    double serverCpu = (cpuTicks(server.pid()) - serverTicksBefore) / 100.0 / wallS * 100;
    double serverSysCpu = (sysTicks(server.pid()) - serverSysTicksBefore) / 100.0 / wallS * 100;
    double ffmpegCpu = (cpuTicks(ffmpeg.pid()) - ffmpegTicksBefore) / 100.0 / wallS * 100;
    double clientCpu = (cpuTicks(ProcessHandle.current().pid()) - clientTicksBefore) / 100.0 / wallS * 100;
    long rssKb = statusKb(server.pid(), "VmRSS:");
    Histogram deliveredHistogram = delivered.getIntervalHistogram();
    long behind = viewers.stream().filter(v -> v.gaps.get() > 0).count();
    long closed = viewers.stream().filter(v -> v.closeCode.get() != 0).count();
    double mbps = viewers.stream().mapToLong(v -> v.bytes.get()).average().orElse(0) * 8 / wallS / 1e6;
    System.out.printf("%8d | %8.1f / %8.1f ms | %5.0f / %5.0f ms (%4d) | %9.2f | %6d | %6d | %3.0f%% (%2.0f%%) | %6d / %6d | %6.0f%% | %6.0f%% | %d/%d%n",
        viewerCount, deliveredHistogram.getValueAtPercentile(50) / 1e3,
        deliveredHistogram.getValueAtPercentile(99) / 1e3, join.getValueAtPercentile(50) / 1e3,
        join.getMaxValue() / 1e3, neverJoined, mbps, behind, closed, serverCpu, serverSysCpu, rssKb / 1024, peakRssKb / 1024, ffmpegCpu,
        clientCpu, deflated, viewerCount);
    String load = loadAverage();
    System.out.printf("%8s   one more viewer joining while %d watch, 5 times: connect → first fragment %s ms; load %s%n",
        "", viewerCount, singleJoinsMs(client, feed), load);
    for (Viewer viewer : viewers) {
      viewer.close();
    }
    client.stop();
  }

  /** Join time of a lone viewer, not queued behind a crowd of connects: what one member opening the page waits. */
  private static List<String> singleJoinsMs(WebSocketClient client, URI feed) throws Exception {
    List<String> joinsMs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Viewer viewer = new Viewer(new Recorder(3));
      try {
        client.connect(viewer, feed).get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        joinsMs.add("no connect in 10 s");
        continue;
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (viewer.joinNanos.get() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      long joinNanos = viewer.joinNanos.get();
      joinsMs.add(joinNanos == 0 ? "none in 5 s" : String.valueOf(joinNanos / 1_000_000));
      viewer.close();
      Thread.sleep(200);
    }
    return joinsMs;
  }

  private static long settleRssMb(Process server) throws Exception {
    Thread.sleep(5_000);
    return statusKb(server.pid(), "VmRSS:") / 1024;
  }

  private static void awaitHttp(Process server, String url, String expected) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      if (!server.isAlive()) {
        throw new IllegalStateException("the media server exited; see /tmp/feed-bench-server.log");
      }
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.body().contains(expected)) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(url + " did not answer " + expected + " within 30 s; see /tmp/feed-bench-*.log");
      }
      Thread.sleep(100);
    }
  }

  private static void awaitPort(Process server, int port) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        if (!server.isAlive() || System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("RTMP port " + port + " not listening; see /tmp/feed-bench-server.log", e);
        }
        Thread.sleep(100);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** utime + stime of a process, in clock ticks (USER_HZ = 100). */
  private static long cpuTicks(long pid) throws IOException {
    String[] stat = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceAll(".*\\) ", "").split(" ");
    return Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
  }

  /** stime of a process (in the kernel: socket writes, wake-ups), in clock ticks. */
  private static long sysTicks(long pid) throws IOException {
    String[] stat = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceAll(".*\\) ", "").split(" ");
    return Long.parseLong(stat[12]);
  }

  private static long statusKb(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }

  private static String loadAverage() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).trim();
  }

  /**
   * Counts bytes, mfhd sequence gaps (skips) and delivery latency from each fragment's prft wall clock; walks every
   * box of a message, so a message that starts with the init segment is read too.
   */
  public static final class Viewer implements Session.Listener.AutoDemanding {
    private static final long NTP_UNIX_OFFSET_S = 2_208_988_800L;
    private static final int PRFT = 0x70726674;
    private static final int MOOF = 0x6d6f6f66;
    final AtomicLong bytes = new AtomicLong();
    final AtomicInteger gaps = new AtomicInteger();
    final AtomicInteger closeCode = new AtomicInteger();
    /** Connect → first fragment received, ns; 0 until then. */
    final AtomicLong joinNanos = new AtomicLong();
    volatile boolean deflate;
    private final long createdNanos = System.nanoTime();
    private final Recorder delivered;
    private volatile Session session;
    private int lastSequence = -1;

    Viewer(Recorder delivered) {
      this.delivered = delivered;
    }

    void resetCounters() {
      bytes.set(0);
      gaps.set(0);
    }

    @Override
    public void onWebSocketOpen(Session newSession) {
      session = newSession;
      deflate = newSession.getUpgradeResponse().getExtensions().stream()
          .anyMatch(e -> e.getName().equals("permessage-deflate"));
    }

    @Override
    public void onWebSocketText(String text) {
      if (text.contains("\"header\"")) {
        lastSequence = -1;
      }
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
      long nowMs = System.currentTimeMillis();
      bytes.addAndGet(payload.remaining());
      int position = payload.position();
      boolean first = true;
      while (payload.limit() - position >= 8) {
        long size = payload.getInt(position) & 0xFFFF_FFFFL;
        int type = payload.getInt(position + 4);
        if (size < 8 || position + size > payload.limit()) {
          break;
        }
        if (type == PRFT && first) {
          long ntp = payload.getLong(position + 16);
          long stampMs = ((ntp >>> 32) - NTP_UNIX_OFFSET_S) * 1000 + ((ntp & 0xFFFFFFFFL) * 1000 >>> 32);
          delivered.recordValue(Math.max(0, (nowMs - stampMs) * 1000));
          joinNanos.compareAndSet(0, System.nanoTime() - createdNanos);
          first = false;
        } else if (type == MOOF) {
          int sequence = payload.getInt(position + 8 + 12); // mfhd: size, type, version+flags, sequence_number
          if (lastSequence >= 0 && sequence != lastSequence + 1) {
            gaps.incrementAndGet();
          }
          lastSequence = sequence;
        }
        position += (int) size;
      }
      callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      // a connection dropped while the run closes viewers: counted by onWebSocketClose, not logged
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
      if (statusCode != 1000 && statusCode != 1001 && statusCode != 1006) {
        closeCode.set(statusCode);
      }
    }

    void close() {
      Session s = session;
      if (s != null && s.isOpen()) {
        s.close();
      }
    }
  }
}
