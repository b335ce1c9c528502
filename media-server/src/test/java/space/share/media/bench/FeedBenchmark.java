package space.share.media.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import space.share.media.MediaConfig;
import space.share.media.MediaServer;
import space.share.media.access.AccessPolicy.StaticStream;
import space.share.media.testing.Ffmpeg;

/**
 * Fan-out benchmark of the WebSocket feed: ffmpeg publishes 720p30 at ~3 Mbps over RTMP into an in-process server,
 * N WebSocket viewers (in this JVM, on their own named threads) receive it. Prints, per N: server-added latency
 * (RTMP message in → fragment handed to every viewer socket), delivery latency as viewers see it (prft wall clock →
 * received), viewers that fell behind or were closed, server CPU (threads other than the viewers'), heap and RSS.
 *
 * <p>Run: {@code bench/feed.sh [seconds] [viewers...]} (defaults: 15 s; 1 100 500).
 */
public final class FeedBenchmark {
  private static final String CLIENT_THREADS = "bench-viewer";

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    List<Integer> viewerCounts = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      viewerCounts.add(Integer.parseInt(args[i]));
    }
    if (viewerCounts.isEmpty()) {
      viewerCounts = List.of(1, 100, 500);
    }
    MediaServer server = MediaServer.start(new MediaConfig("127.0.0.1", 0, 0, "",
        Map.of("bench", new StaticStream("bench", "bench-key", true)), 4 * 1024 * 1024, 200));
    Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
        "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30,noise=alls=12:allf=t",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "30", "-keyint_min", "30",
        "-sc_threshold", "0", "-b:v", "3M", "-maxrate", "3M", "-bufsize", "1M",
        "-c:a", "aac", "-b:a", "128k", "-f", "flv", "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/bench-key")
        .redirectErrorStream(true).redirectOutput(Path.of("/tmp/feed-bench-ffmpeg.log").toFile()).start();
    try {
      long deadline = System.currentTimeMillis() + 20_000;
      while (!server.streams().stream("bench").isLive()) {
        if (System.currentTimeMillis() > deadline || !ffmpeg.isAlive()) {
          throw new IllegalStateException("ffmpeg did not go live; see /tmp/feed-bench-ffmpeg.log");
        }
        Thread.sleep(100);
      }
      Thread.sleep(2_000); // let the encoder settle
      System.out.printf("%nWebSocket feed fan-out: 1280x720 30 fps ~3 Mbps + AAC, %d s per run, 2 cores%n", seconds);
      System.out.printf("%8s | %-22s | %-22s | %9s | %8s | %7s | %7s | %9s | %7s%n", "viewers",
          "server-added p50/p99", "delivered p50/p99", "Mbit/s/vw", "behind", "closed", "srv CPU",
          "ffmpeg CPU", "heap MB");
      for (int viewers : viewerCounts) {
        run(server, ffmpeg, viewers, seconds);
      }
      System.out.printf("RSS of this JVM (server + viewers): %d MB%n", rssKb() / 1024);
    } finally {
      ffmpeg.destroy();
      ffmpeg.waitFor(5, TimeUnit.SECONDS);
      server.close();
    }
    System.exit(0);
  }

  private static void run(MediaServer server, Process ffmpeg, int viewerCount, int seconds) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(16, 4);
    threads.setName(CLIENT_THREADS);
    HttpClient http = new HttpClient();
    http.setExecutor(threads);
    WebSocketClient client = new WebSocketClient(http);
    client.setMaxBinaryMessageSize(16 * 1024 * 1024);
    client.start();
    Recorder delivered = new Recorder(3);
    List<Viewer> viewers = new ArrayList<>();
    URI feed = URI.create("ws://127.0.0.1:" + server.httpPort() + "/live/bench/feed");
    for (int i = 0; i < viewerCount; i++) {
      Viewer viewer = new Viewer(delivered);
      client.connect(viewer, feed).get(10, TimeUnit.SECONDS);
      viewers.add(viewer);
    }
    Thread.sleep(1_000); // past the GOP replay each new viewer gets
    viewers.forEach(Viewer::resetCounters);
    delivered.reset();
    server.streams().latency().takeIntervalHistogram();
    Map<Long, Long> cpuBefore = serverThreadCpu();
    long ffmpegCpuBefore = processCpuMs(ffmpeg.pid());
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    double wallS = (System.nanoTime() - start) / 1e9;
    Map<Long, Long> cpuAfter = serverThreadCpu();
    long ffmpegCpuMs = processCpuMs(ffmpeg.pid()) - ffmpegCpuBefore;
    Histogram added = server.streams().latency().takeIntervalHistogram();
    Histogram deliveredHistogram = delivered.getIntervalHistogram();
    long serverCpuNs = 0;
    for (var entry : cpuAfter.entrySet()) {
      serverCpuNs += entry.getValue() - cpuBefore.getOrDefault(entry.getKey(), 0L);
    }
    long behind = viewers.stream().filter(v -> v.gaps.get() > 0).count();
    long closed = viewers.stream().filter(v -> v.closeCode.get() != 0).count();
    double mbps = viewers.stream().mapToLong(v -> v.bytes.get()).average().orElse(0) * 8 / wallS / 1e6;
    System.gc();
    long heapMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
    System.out.printf("%8d | %8.3f / %8.3f ms | %8.1f / %8.1f ms | %9.2f | %8d | %7d | %6.0f%% | %8.0f%% | %7d%n",
        viewerCount, added.getValueAtPercentile(50) / 1e6, added.getValueAtPercentile(99) / 1e6,
        deliveredHistogram.getValueAtPercentile(50) / 1e3, deliveredHistogram.getValueAtPercentile(99) / 1e3,
        mbps, behind, closed, serverCpuNs / 1e9 / wallS * 100, ffmpegCpuMs / 1e3 / wallS * 100, heapMb);
    for (Viewer viewer : viewers) {
      viewer.close();
    }
    client.stop();
  }

  /** CPU time of every live thread in this JVM except the viewers' (the server's share of the work). */
  private static Map<Long, Long> serverThreadCpu() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<Long, Long> cpu = new HashMap<>();
    for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info != null && !info.getThreadName().startsWith(CLIENT_THREADS)) {
        long ns = mx.getThreadCpuTime(info.getThreadId());
        if (ns >= 0) {
          cpu.put(info.getThreadId(), ns);
        }
      }
    }
    return cpu;
  }

  private static long processCpuMs(long pid) throws Exception {
    String[] stat = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceAll(".*\\) ", "").split(" ");
    long ticks = Long.parseLong(stat[11]) + Long.parseLong(stat[12]); // utime + stime
    return ticks * 10; // USER_HZ = 100
  }

  private static long rssKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }

  /** Counts bytes, mfhd sequence gaps (skips) and delivery latency from each fragment's prft wall clock. */
  public static final class Viewer implements Session.Listener.AutoDemanding {
    private static final long NTP_UNIX_OFFSET_S = 2_208_988_800L;
    final AtomicLong bytes = new AtomicLong();
    final AtomicInteger gaps = new AtomicInteger();
    final AtomicInteger closeCode = new AtomicInteger();
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
      // A message holds one or more chunks: prft(32) moof(mfhd: sequence_number at +20) mdat.
      int position = payload.position();
      boolean first = true;
      while (payload.limit() - position > 52 && payload.getInt(position + 4) == 0x70726674) {
        if (first) {
          long ntp = payload.getLong(position + 16);
          long stampMs = ((ntp >>> 32) - NTP_UNIX_OFFSET_S) * 1000 + ((ntp & 0xFFFFFFFFL) * 1000 >>> 32);
          delivered.recordValue(Math.max(0, (nowMs - stampMs) * 1000));
          first = false;
        }
        int moofSize = payload.getInt(position + 32);
        int sequence = payload.getInt(position + 32 + 20);
        if (lastSequence >= 0 && sequence != lastSequence + 1) {
          gaps.incrementAndGet();
        }
        lastSequence = sequence;
        int mdatSize = payload.getInt(position + 32 + moofSize);
        position += 32 + moofSize + mdatSize;
      }
      callback.succeed();
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
