package space.share.player.fuzz;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import space.share.player.fuzz.Cases.Family;
import space.share.player.fuzz.Cases.Kind;
import space.share.player.fuzz.CaseRun.Outcome;

/**
 * The fuzz run: the real media server and room controller as processes (from {@code bin/}), a live stream from real
 * ffmpeg into a room, one WebSocket feed viewer and one LL-HLS reader checking that no fragment goes missing, and
 * thousands of malformed RTMP, HTTP, WebSocket, room-API and VNC-proxy cases against both servers at once. Prints
 * cases tried per family, crashes, each server's RSS (idle, peak, after), fragments lost and viewer disconnects.
 *
 * <p>{@code bench/fuzz.sh [cases] [seed]} runs {@link #main}; {@code FuzzIT} runs a short one and asserts on the
 * {@link Report}. Needs a {@code mvn -B -q package -DskipTests} build (bin/ reads target/classes and target/lib) and
 * ffmpeg with libx264.
 */
public final class FuzzRun {
  /** What to run. */
  public record Settings(Path home, int cases, long seed, int workers, Duration maxFuzzTime, Duration settle,
      PrintStream out) {
    public static Settings defaults(Path home) {
      return new Settings(home, 10_000, 1, 32, Duration.ofMinutes(6), Duration.ofSeconds(10), System.out);
    }

    public Settings withCases(int n) {
      return new Settings(home, n, seed, workers, maxFuzzTime, settle, out);
    }

    public Settings withSeed(long s) {
      return new Settings(home, cases, s, workers, maxFuzzTime, settle, out);
    }
  }

  /** One server's figures. */
  public record ServerFigures(String name, boolean alive, boolean healthyAtEnd, long healthFailures,
      long unresponsiveEpisodes, String probeName, boolean probeAtEnd, long probeFailures, long probeDeadEpisodes,
      long idleRssKb, long peakRssKb, long afterRssKb, long oomLogLines) {
    /**
     * Died, stopped answering /healthz (5 checks in a row), or its RTMP ingest no longer answers a handshake at the
     * end (its IO threads are gone: the process lives on without its purpose). An ingest that stops answering for a
     * while and recovers is reported ({@link #probeDeadEpisodes}) but is not a crash.
     */
    public boolean crashed() {
      return !alive || unresponsiveEpisodes > 0 || !probeAtEnd;
    }
  }

  /** Everything the run measured. */
  public record Report(long seed, int casesTried, double fuzzSeconds, Map<Family, FamilyFigures> families,
      Map<String, Long> casesByKind, List<ServerFigures> servers, FeedWatcher.Figures feed, HlsWatcher.Figures hls,
      boolean publisherAlive, int goodJoinStatus, long feedFragmentsAfterFuzz, double[] feedFragmentsPerSecond, List<String> findings,
      long vncTokenMisses, long fakeVncConnections, Path workDir) {

    public long crashes() {
      return servers.stream().filter(ServerFigures::crashed).count();
    }

    /** Why the run failed (a crash, a lost fragment, a server not answering, no good join), empty when it passed. */
    public List<String> failures() {
      List<String> why = new ArrayList<>();
      servers.forEach(s -> {
        if (!s.alive()) why.add(s.name() + " died");
        else if (s.unresponsiveEpisodes() > 0) why.add(s.name() + " stopped answering /healthz " + s.unresponsiveEpisodes() + " times");
        else if (!s.healthyAtEnd()) why.add(s.name() + " does not answer /healthz after the run");
        if (s.alive() && !s.probeAtEnd()) why.add(s.name() + ": " + s.probeName() + " no longer answers");
      });
      if (feed.lost() > 0) why.add("feed viewer lost " + feed.lost() + " fragments in " + feed.gaps() + " gaps");
      if (feedFragmentsAfterFuzz == 0) why.add("feed viewer got no fragment after the fuzz cases");
      if (!publisherAlive) why.add("the publisher (ffmpeg) exited");
      if (goodJoinStatus != 200) why.add("a good client's join answered " + goodJoinStatus);
      return why;
    }
  }

  /** Per family: cases tried, how they ended, HTTP statuses seen. */
  public static final class FamilyFigures {
    final LongAdder tried = new LongAdder();
    final Map<Outcome, LongAdder> outcomes = new ConcurrentHashMap<>();
    final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    final LongAdder errors = new LongAdder();

    public long tried() {
      return tried.sum();
    }

    public long outcome(Outcome o) {
      LongAdder a = outcomes.get(o);
      return a == null ? 0 : a.sum();
    }
  }

  private static final Pattern STRING_FIELD = Pattern.compile("\"%s\"\\s*:\\s*\"([^\"]*)\"");
  private static final String ADMIN_TOKEN = "fuzz-admin-token";
  private static final String LIVE_ROOM = "fuzz";
  private static final String LIVE_PASSCODE = "fuzz-passcode";
  private static final String THROTTLE_ROOM = "fuzz-b";
  private static final String DEMO_KEY = "fuzz-demo-relay-key-" + Long.toHexString(new Random().nextLong());

  private final Settings settings;
  private final PrintStream out;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  public FuzzRun(Settings settings) {
    this.settings = settings;
    this.out = settings.out();
  }

  public static void main(String[] args) throws Exception {
    Path home = Path.of(System.getProperty("share.space.home", ".")).toAbsolutePath().normalize();
    Settings s = Settings.defaults(home);
    if (args.length > 0) s = s.withCases(Integer.parseInt(args[0]));
    if (args.length > 1) s = s.withSeed(Long.parseLong(args[1]));
    Report report;
    try {
      report = new FuzzRun(s).run();
    } catch (SetupException e) {
      System.err.println("fuzz: setup failed: " + e.getMessage());
      System.exit(2);
      return;
    }
    List<String> failures = report.failures();
    System.exit(failures.isEmpty() ? 0 : 1);
  }

  /** The run could not start (a server did not come up, ffmpeg missing, the stream never went live). */
  public static final class SetupException extends Exception {
    SetupException(String message) {
      super(message);
    }
  }

  public Report run() throws Exception {
    Path home = settings.home();
    Path workDir = home.resolve("player/target/fuzz-run");
    deleteTree(workDir);
    Files.createDirectories(workDir.resolve("data"));
    int rtmpPort = freePort();
    int mediaPort = freePort();
    int controllerPort = freePort();
    String media = "http://127.0.0.1:" + mediaPort;
    String controller = "http://127.0.0.1:" + controllerPort;

    try (FakeRfbServer rfb = new FakeRfbServer()) {
      // One config file for both servers, as run.sh has one.
      Map<String, String> keys = new java.util.LinkedHashMap<>();
      keys.put("secret", "fuzz-secret-" + Long.toHexString(new Random().nextLong()));
      keys.put("media.bind-host", "127.0.0.1");
      keys.put("media.rtmp.port", String.valueOf(rtmpPort));
      keys.put("media.http.port", String.valueOf(mediaPort));
      keys.put("media.streams.demo.key", DEMO_KEY);
      keys.put("media.streams.demo.public", "true");
      keys.put("room.admin-token", ADMIN_TOKEN);
      keys.put("room.http.host", "127.0.0.1");
      keys.put("room.http.port", String.valueOf(controllerPort));
      keys.put("room.public-url", controller);
      keys.put("room.media.public-url", media);
      keys.put("room.media.internal-url", media);
      keys.put("room.media.rtmp-url", "rtmp://127.0.0.1:" + rtmpPort + "/live");
      keys.put("room.data-dir", workDir.resolve("data").toString());
      keys.put("room.desktop.mode", "none");
      keys.put("room.vnc.static-target", "127.0.0.1:" + rfb.port());
      keys.put("room.vnc.static-password", "fuzz-vnc-" + Long.toHexString(new Random().nextLong()));
      Path config = workDir.resolve("share-space.properties");
      StringBuilder file = new StringBuilder("# written by FuzzRun\n");
      keys.forEach((k, v) -> file.append(k).append('=').append(v).append('\n'));
      Files.writeString(config, file);
      Map<String, String> env = new HashMap<>();
      System.getenv().keySet().stream().filter(k -> k.startsWith("SHARE_SPACE_")).forEach(k -> env.put(k, null));
      env.put("SHARE_SPACE_CONFIG", config.toString());

      ServerProcess mediaServer = ServerProcess.start("media-server", home, env, URI.create(media + "/healthz"),
          workDir.resolve("media-server.log"));
      ServerProcess roomController = null;
      Process ffmpeg = null;
      ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, daemon("fuzz-timer"));
      try {
        roomController = ServerProcess.start("room-controller", home, env, URI.create(controller + "/healthz"),
            workDir.resolve("room-controller.log"));
        List<ServerProcess> servers = List.of(mediaServer, roomController);
        InetSocketAddress rtmpAddress = new InetSocketAddress("127.0.0.1", rtmpPort);
        mediaServer.addProbe("RTMP handshake", () -> rtmpAnswers(rtmpAddress, timer));
        for (ServerProcess s : servers) {
          if (!s.awaitHealthy(Duration.ofSeconds(90))) {
            throw new SetupException(s.name + " did not answer /healthz within 90 s; log " + s.log + ":\n" + s.logTail(30));
          }
        }
        out.printf(Locale.ROOT, "fuzz: media-server pid %d (rtmp %d, http %d), room-controller pid %d (http %d), fake VNC :%d, logs in %s%n",
            mediaServer.pid(), rtmpPort, mediaPort, roomController.pid(), controllerPort, rfb.port(), workDir);

        // The rooms, a viewer member, and the member the cases use (holding control, for VNC tokens).
        String created = call("POST", controller + "/api/rooms", "Bearer " + ADMIN_TOKEN,
            "{\"id\":\"" + LIVE_ROOM + "\",\"name\":\"Fuzz\",\"passcode\":\"" + LIVE_PASSCODE + "\"}", 201);
        String streamKey = field(created, "streamKey");
        call("POST", controller + "/api/rooms", "Bearer " + ADMIN_TOKEN,
            "{\"id\":\"" + THROTTLE_ROOM + "\",\"passcode\":\"another-passcode\"}", 201);
        String viewer = join(controller, "viewer");
        String fuzzer = join(controller, "fuzzer");
        String fuzzerToken = field(fuzzer, "token");
        String fuzzerFeed = field(fuzzer, "feed");
        String fuzzerMediaToken = fuzzerFeed.substring(fuzzerFeed.indexOf("token=") + "token=".length());
        call("POST", controller + "/api/rooms/" + LIVE_ROOM + "/control/request", "Bearer " + fuzzerToken, "", 200);

        Path ffmpegLog = workDir.resolve("ffmpeg.log");
        ffmpeg = startFfmpeg("rtmp://127.0.0.1:" + rtmpPort + "/live/" + streamKey, ffmpegLog);
        String viewerFeed = field(viewer, "feed");
        try (FeedWatcher feed = new FeedWatcher(URI.create(viewerFeed));
            HlsWatcher hls = new HlsWatcher(media + "/live/" + LIVE_ROOM + "/",
                viewerFeed.substring(viewerFeed.indexOf("token=") + "token=".length()))) {
          if (!feed.start(Duration.ofSeconds(60))) throw new SetupException("the feed viewer could not connect: " + feed.figures().lastCloseReason());
          long liveBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (feed.figures().fragments() < 100) {
            if (System.nanoTime() > liveBy || !ffmpeg.isAlive()) {
              throw new SetupException("the stream did not go live within 60 s (ffmpeg " + (ffmpeg.isAlive() ? "running" : "exited")
                  + ", log " + ffmpegLog + "); viewer: " + feed.figures());
            }
            Thread.sleep(100); // waiting for the first fragments of a real encoder
          }
          hls.start();

          // Idle: the live stream and its two readers, no fuzz case yet.
          // RSS every 500 ms; health (/healthz, RTMP handshake) every second on its own thread, as its checks can block.
          ScheduledExecutorService monitor = Executors.newScheduledThreadPool(2, daemon("fuzz-monitor"));
          monitor.scheduleWithFixedDelay(() -> servers.forEach(s -> s.sample(false)), 0, 500, TimeUnit.MILLISECONDS);
          monitor.scheduleWithFixedDelay(() -> servers.forEach(s -> s.sample(true)), 0, 1_000, TimeUnit.MILLISECONDS);
          long idleFragmentsFrom = feed.figures().fragments();
          Thread.sleep(5_000); // the idle figure is the one the issue compares against: the stream settled, nothing else
          double idleRate = (feed.figures().fragments() - idleFragmentsFrom) / 5.0;
          long[] idle = servers.stream().mapToLong(ServerProcess::rssKb).toArray();
          servers.forEach(ServerProcess::resetPeak);
          feed.startMeasuring();
          out.printf(Locale.ROOT, "fuzz: stream live, idle RSS media-server %d MB, room-controller %d MB; %d cases, seed %d, %d workers%n",
              idle[0] / 1024, idle[1] / 1024, settings.cases(), settings.seed(), settings.workers());

          FuzzTarget target = new FuzzTarget(new InetSocketAddress("127.0.0.1", rtmpPort),
              new InetSocketAddress("127.0.0.1", mediaPort), new InetSocketAddress("127.0.0.1", controllerPort),
              LIVE_ROOM, THROTTLE_ROOM, fuzzerToken, fuzzerMediaToken, DEMO_KEY, () -> vncToken(controller, fuzzerToken));
          Cases.vncTokenMisses.set(0);
          Map<Family, FamilyFigures> families = new EnumMap<>(Family.class);
          for (Family f : Family.values()) families.put(f, new FamilyFigures());
          Map<String, LongAdder> byKind = new ConcurrentHashMap<>();
          List<String> findings = java.util.Collections.synchronizedList(new ArrayList<>());
          long started = System.nanoTime();
          long fuzzFragmentsFrom = feed.figures().fragments();
          int tried = fuzz(target, timer, families, byKind, findings, servers, feed);
          double fuzzSeconds = (System.nanoTime() - started) / 1e9;

          // After: the stream must still flow to the viewer; memory after a settle.
          long fragmentsAtEnd = feed.figures().fragments();
          double fuzzRate = (fragmentsAtEnd - fuzzFragmentsFrom) / fuzzSeconds;
          Thread.sleep(settings.settle().toMillis()); // the "after" figure: what the servers keep once the cases stopped
          long fragmentsAfter = feed.figures().fragments() - fragmentsAtEnd;
          long[] after = servers.stream().mapToLong(ServerProcess::rssKb).toArray();
          int goodJoin = goodJoinStatus(controller);
          monitor.shutdownNow();
          List<ServerFigures> figures = new ArrayList<>();
          for (int i = 0; i < servers.size(); i++) {
            ServerProcess s = servers.get(i);
            figures.add(new ServerFigures(s.name, s.alive(), s.alive() && s.healthy(), s.healthFailures(), s.unresponsiveEpisodes(),
                s.probeName(), s.alive() && s.probeAnswers(), s.probeFailures(), s.probeDeadEpisodes(), idle[i], s.peakRssKb(), after[i],
                s.logCount("OutOfMemoryError")));
          }
          Map<String, Long> kinds = new TreeMap<>();
          byKind.forEach((k, v) -> kinds.put(k, v.sum()));
          Report report = new Report(settings.seed(), tried, fuzzSeconds, families, kinds, figures, feed.figures(), hls.figures(),
              ffmpeg.isAlive(), goodJoin, fragmentsAfter, new double[] {idleRate, fuzzRate, fragmentsAfter / (double) settings.settle().toSeconds()},
              List.copyOf(findings), Cases.vncTokenMisses.get(), rfb.connections.get(),
              workDir);
          print(report);
          return report;
        }
      } finally {
        timer.shutdownNow();
        if (ffmpeg != null) {
          ffmpeg.destroy();
          if (!ffmpeg.waitFor(5, TimeUnit.SECONDS)) ffmpeg.destroyForcibly();
        }
        if (roomController != null) roomController.close();
        mediaServer.close();
      }
    }
  }

  /** Runs the cases on the workers until all are tried or the time bound passes; returns how many were tried. */
  private int fuzz(FuzzTarget target, ScheduledExecutorService timer, Map<Family, FamilyFigures> families,
      Map<String, LongAdder> byKind, List<String> findings, List<ServerProcess> servers, FeedWatcher feed)
      throws InterruptedException {
    // -Dfuzz.only=rtmp,http (families or family/kind names): narrow the mix to find which cases cost what.
    String only = System.getProperty("fuzz.only", "");
    List<Kind> kinds = Cases.all().stream().filter(k -> only.isEmpty() || java.util.Arrays.stream(only.split(","))
        .anyMatch(o -> o.equalsIgnoreCase(k.family().name()) || o.equalsIgnoreCase(k.family().name() + "/" + k.name())))
        .toList();
    int totalWeight = kinds.stream().mapToInt(Kind::weight).sum();
    AtomicInteger next = new AtomicInteger();
    LongAdder done = new LongAdder();
    long deadline = System.nanoTime() + settings.maxFuzzTime().toNanos();
    ExecutorService workers = Executors.newFixedThreadPool(settings.workers(), daemon("fuzz-worker"));
    for (int w = 0; w < settings.workers(); w++) {
      workers.execute(() -> {
        for (int i; (i = next.getAndIncrement()) < settings.cases() && System.nanoTime() < deadline; ) {
          Random rnd = new Random(settings.seed() * 0x9E3779B97F4A7C15L + i);
          int pick = rnd.nextInt(totalWeight);
          Kind kind = kinds.get(0);
          for (Kind k : kinds) {
            if ((pick -= k.weight()) < 0) {
              kind = k;
              break;
            }
          }
          CaseRun run = new CaseRun(rnd, target, timer);
          FamilyFigures f = families.get(kind.family());
          try {
            kind.body().run(run);
          } catch (IOException e) {
            // a refused connection or a reset: the outcome says which
          } catch (RuntimeException e) {
            f.errors.increment(); // a bug in the case itself: counted, the run goes on
            if (f.errors.sum() <= 3) e.printStackTrace(out);
          } finally {
            run.closeAll();
          }
          f.tried.increment();
          f.outcomes.computeIfAbsent(run.outcome(), o -> new LongAdder()).increment();
          if (run.httpStatus >= 0) f.statuses.computeIfAbsent(run.httpStatus, s -> new LongAdder()).increment();
          byKind.computeIfAbsent(kind.family().name().toLowerCase(Locale.ROOT) + "/" + kind.name(), k -> new LongAdder()).increment();
          if (run.finding != null) findings.add(kind.name() + ": " + run.finding);
          done.increment();
        }
      });
    }
    workers.shutdown();
    long lastPrint = System.nanoTime();
    while (!workers.awaitTermination(1, TimeUnit.SECONDS)) {
      if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(15)) {
        lastPrint = System.nanoTime();
        FeedWatcher.Figures v = feed.figures();
        out.printf(Locale.ROOT, "fuzz: %d cases; RSS media-server %d MB, room-controller %d MB; viewer %d fragments, %d lost%n",
            done.sum(), servers.get(0).rssKb() / 1024, servers.get(1).rssKb() / 1024, v.fragments(), v.lost());
      }
      if (System.nanoTime() > deadline + TimeUnit.SECONDS.toNanos(30)) {
        workers.shutdownNow(); // cases are bounded by their deadlines; this is the backstop
        break;
      }
    }
    return (int) done.sum();
  }

  private void print(Report r) {
    out.println();
    out.printf(Locale.ROOT, "fuzz report: %d cases tried in %.1f s (seed %d)%n", r.casesTried(), r.fuzzSeconds(), r.seed());
    out.printf(Locale.ROOT, "  %-10s %6s %14s %14s %16s %14s %6s  %s%n", "family", "tried", "server-closed", "client-closed",
        "open-at-deadline", "connect-failed", "errors", "HTTP statuses");
    r.families().forEach((family, f) -> {
      StringBuilder statuses = new StringBuilder();
      new TreeMap<>(f.statuses).forEach((code, n) -> statuses.append(code).append(':').append(n.sum()).append(' '));
      out.printf(Locale.ROOT, "  %-10s %6d %14d %14d %16d %14d %6d  %s%n", family.name().toLowerCase(Locale.ROOT), f.tried(),
          f.outcome(Outcome.SERVER_CLOSED), f.outcome(Outcome.CLIENT_CLOSED), f.outcome(Outcome.OPEN_AT_DEADLINE),
          f.outcome(Outcome.CONNECT_FAILED), f.errors.sum(), statuses.toString().trim());
    });
    StringBuilder kinds = new StringBuilder("  by kind:");
    r.casesByKind().forEach((k, n) -> kinds.append(' ').append(k).append('=').append(n));
    out.println(kinds);
    out.printf(Locale.ROOT, "crashes: %d%n", r.crashes());
    for (ServerFigures s : r.servers()) {
      out.printf(Locale.ROOT, "  %-15s %s, /healthz %s (failed checks %d, unresponsive episodes %d)%s, OutOfMemoryError log lines %d%n",
          s.name(), s.alive() ? "alive" : "DIED", s.healthyAtEnd() ? "ok" : "NOT ANSWERING", s.healthFailures(),
          s.unresponsiveEpisodes(), s.probeName().isEmpty() ? "" : String.format(Locale.ROOT, ", %s %s (failed checks %d, unresponsive episodes %d)",
              s.probeName(), s.probeAtEnd() ? "ok" : "NOT ANSWERING", s.probeFailures(), s.probeDeadEpisodes()), s.oomLogLines());
      out.printf(Locale.ROOT, "  %-15s RSS idle %d MB, peak %d MB, after %d MB (after - idle %+d MB)%n", s.name(),
          s.idleRssKb() / 1024, s.peakRssKb() / 1024, s.afterRssKb() / 1024, (s.afterRssKb() - s.idleRssKb()) / 1024);
    }
    FeedWatcher.Figures v = r.feed();
    out.printf(Locale.ROOT, "feed viewer: %d fragments, fragments lost %d (%d gaps), disconnects %d%s, publishes seen %d, "
            + "longest silence %d ms (%d over 1 s), %d fragments in the %d s after the cases%n", v.fragments(), v.lost(), v.gaps(),
        v.disconnects(), v.disconnects() > 0 ? " (last: " + v.lastCloseReason() + ")" : "", v.generations(), v.longestSilenceMs(),
        v.silencesOver1s(),
        r.feedFragmentsAfterFuzz(), settings.settle().toSeconds());
    out.printf(Locale.ROOT, "feed rate: %.1f fragments/s idle, %.1f during the cases, %.1f after%n", r.feedFragmentsPerSecond()[0],
        r.feedFragmentsPerSecond()[1], r.feedFragmentsPerSecond()[2]);
    HlsWatcher.Figures h = r.hls();
    out.printf(Locale.ROOT, "ll-hls reader: %d playlists, %d parts, %d fragments, fragments lost %d, failed requests %d%s%n",
        h.playlists(), h.parts(), h.fragments(), h.lost(), h.failures(), h.failures() > 0 ? " (last: " + h.lastFailure() + ")" : "");
    out.printf(Locale.ROOT, "publisher (ffmpeg): %s; good client join after the run: %d; VNC: %d proxied connections, %d cases without a token%n",
        r.publisherAlive() ? "still publishing" : "EXITED", r.goodJoinStatus(), r.fakeVncConnections(), r.vncTokenMisses());
    out.printf(Locale.ROOT, "findings: %s%n", r.findings().isEmpty() ? "none" : "");
    r.findings().stream().distinct().limit(20).forEach(f -> out.println("  " + f));
    List<String> failures = r.failures();
    out.println(failures.isEmpty() ? "FUZZ PASS" : "FUZZ FAIL: " + String.join("; ", failures));
    out.println("logs: " + r.workDir());
  }

  // ---- setup helpers ------------------------------------------------------------------------------------------

  private String join(String controller, String name) throws IOException, InterruptedException, SetupException {
    return call("POST", controller + "/api/rooms/" + LIVE_ROOM + "/join", null,
        "{\"passcode\":\"" + LIVE_PASSCODE + "\",\"name\":\"" + name + "\"}", 200);
  }

  private int goodJoinStatus(String controller) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(controller + "/api/rooms/" + LIVE_ROOM + "/join"))
          .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"passcode\":\"" + LIVE_PASSCODE + "\",\"name\":\"good client\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** A fresh VNC token of the fuzz member (asking for control again if it was lost), or null. */
  private String vncToken(String controller, String memberToken) {
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(controller + "/api/rooms/" + LIVE_ROOM + "/vnc-token"))
            .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + memberToken)
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) return field(r.body(), "token");
        http.send(HttpRequest.newBuilder(URI.create(controller + "/api/rooms/" + LIVE_ROOM + "/control/request"))
            .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + memberToken)
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException | SetupException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  private String call(String method, String url, String authorization, String body, int expected)
      throws IOException, InterruptedException, SetupException {
    HttpRequest.Builder rq = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
        .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) rq.header("Authorization", authorization);
    HttpResponse<String> r = http.send(rq.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != expected) throw new SetupException(method + " " + url + " answered " + r.statusCode() + ": " + r.body());
    return r.body();
  }

  /** A string field of a JSON answer (the first one of that name). */
  static String field(String json, String name) throws SetupException {
    Matcher m = Pattern.compile(String.format(STRING_FIELD.pattern(), Pattern.quote(name))).matcher(json);
    if (!m.find()) throw new SetupException("no \"" + name + "\" in " + json);
    return m.group(1);
  }

  private static Process startFfmpeg(String url, Path log) throws IOException {
    // 720p30 x264 ultrafast/zerolatency + AAC, as bench/feed.sh and the README publish; -re keeps it real time.
    return new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "warning", "-re", "-f", "lavfi", "-i",
        "testsrc2=size=1280x720:rate=30", "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p", "-g", "30",
        "-b:v", "3M", "-maxrate", "3M", "-bufsize", "1M", "-c:a", "aac", "-b:a", "128k", "-f", "flv", url)
        .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
  }

  /** Whether the RTMP port answers C0+C1 with S0+S1 within 3 s: the ingest's IO threads are alive. */
  private static boolean rtmpAnswers(InetSocketAddress rtmp, ScheduledExecutorService timer) {
    try (Conn c = Conn.open(rtmp, null, timer, 4_000)) {
      c.write(Wire.rtmpC0C1(new Random()));
      return c.readExactly(1 + Wire.RTMP_HANDSHAKE_BYTES, 3_000) != null;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
