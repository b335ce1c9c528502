package space.share.player.fuzz;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One server as its own process, started from its entry point under {@code bin/} (as run.sh and the images start
 * it), with its output in a log file. Reads its resident memory from {@code /proc/<pid>/status} and asks its
 * {@code /healthz}. The monitor thread updates the figures; the run's thread reads them.
 */
final class ServerProcess implements AutoCloseable {
  /** This many health checks failed in a row (one a second, 2 s timeout each) = not answering: counted as a crash. */
  static final int UNRESPONSIVE_AFTER_FAILURES = 5;

  final String name;
  final Path log;
  private final Process process;
  private final URI health;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private long peakRssKb;
  private int failuresInRow;
  private long healthFailures;
  private long unresponsiveEpisodes;
  /** A second liveness check beside /healthz (the media server's RTMP handshake), or null. */
  private java.util.function.BooleanSupplier probe;
  private String probeName = "";
  private int probeFailuresInRow;
  private long probeFailures;
  private long probeDeadEpisodes;

  private ServerProcess(String name, Process process, URI health, Path log) {
    this.name = name;
    this.process = process;
    this.health = health;
    this.log = log;
  }

  static ServerProcess start(String name, Path home, Map<String, String> env, URI health, Path log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(List.of(home.resolve("bin").resolve(name).toString()))
        .directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    env.forEach((k, v) -> {
      if (v == null) pb.environment().remove(k); // a SHARE_SPACE_* of the caller's shell would override the file
      else pb.environment().put(k, v);
    });
    return new ServerProcess(name, pb.start(), health, log);
  }

  /** Waits for the first 200 from /healthz; false when the process died or {@code timeout} passed. */
  boolean awaitHealthy(Duration timeout) throws InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < until && process.isAlive()) {
      if (healthy()) return true;
      Thread.sleep(200); // polling a starting process: there is no event to wait on
    }
    return false;
  }

  boolean healthy() {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** VmRSS in kB, or -1 when the process is gone. */
  long rssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** Adds a liveness check that must keep passing beside /healthz (same rule: 5 failures in a row = dead). */
  synchronized void addProbe(String name, java.util.function.BooleanSupplier check) {
    probeName = name;
    probe = check;
  }

  /** One monitor tick: RSS peak always, the health checks when {@code checkHealth}. */
  void sample(boolean checkHealth) {
    long rss = rssKb();
    boolean ok = !checkHealth || healthy();
    java.util.function.BooleanSupplier p;
    synchronized (this) {
      p = probe;
    }
    boolean probeOk = !checkHealth || p == null || p.getAsBoolean();
    synchronized (this) {
      peakRssKb = Math.max(peakRssKb, rss);
      if (!checkHealth) return;
      if (ok) {
        failuresInRow = 0;
      } else {
        healthFailures++;
        if (++failuresInRow == UNRESPONSIVE_AFTER_FAILURES) unresponsiveEpisodes++;
      }
      if (probeOk) {
        probeFailuresInRow = 0;
      } else {
        probeFailures++;
        if (++probeFailuresInRow == UNRESPONSIVE_AFTER_FAILURES) probeDeadEpisodes++;
      }
    }
  }

  /** Whether the extra probe passes now (true when there is none). */
  boolean probeAnswers() {
    java.util.function.BooleanSupplier p;
    synchronized (this) {
      p = probe;
    }
    return p == null || p.getAsBoolean();
  }

  synchronized String probeName() {
    return probeName;
  }

  synchronized long probeFailures() {
    return probeFailures;
  }

  synchronized long probeDeadEpisodes() {
    return probeDeadEpisodes;
  }

  synchronized void resetPeak() {
    peakRssKb = rssKb();
  }

  synchronized long peakRssKb() {
    return peakRssKb;
  }

  synchronized long healthFailures() {
    return healthFailures;
  }

  synchronized long unresponsiveEpisodes() {
    return unresponsiveEpisodes;
  }

  /** The last {@code lines} lines of the log. */
  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Counts lines of the log containing {@code text}. */
  long logCount(String text) {
    try (var lines = Files.lines(log)) {
      return lines.filter(l -> l.contains(text)).count();
    } catch (IOException | java.io.UncheckedIOException e) {
      return -1;
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: the servers stop cleanly on it
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
