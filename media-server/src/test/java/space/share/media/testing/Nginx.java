package space.share.media.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's nginx run in the foreground from a config template (placeholders {@code ${SS_*}} filled as envsubst
 * would), with its own prefix, cache and logs in a temp dir, on a free loopback port. Stopped and deleted on close.
 */
public final class Nginx implements AutoCloseable {
  private final Process process;
  private final Path prefix;
  private final int port;

  private Nginx(Process process, Path prefix, int port) {
    this.process = process;
    this.prefix = prefix;
    this.port = port;
  }

  /** Starts nginx from {@code template} as a proxy for {@code origin} ({@code host:port}). */
  public static Nginx start(Path template, String origin) throws Exception {
    return start(template, Map.of("SS_ORIGIN", origin));
  }

  /**
   * Starts nginx from {@code template}; {@code SS_LISTEN} (127.0.0.1:port), {@code SS_LISTEN_PORT},
   * {@code SS_CACHE_DIR} and {@code SS_PREFIX} are provided, {@code values} adds the rest.
   */
  public static Nginx start(Path template, Map<String, String> values) throws Exception {
    Path prefix = Files.createTempDirectory("nginx-llhls");
    Path cache = Files.createDirectories(prefix.resolve("cache"));
    // nginx's workers run as nobody when the master is root: let them write their cache and temp files.
    for (Path dir : new Path[] {prefix, cache}) {
      Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    }
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    String config = Files.readString(template);
    Map<String, String> all = new java.util.HashMap<>(values);
    all.putAll(Map.of("SS_LISTEN", "127.0.0.1:" + port, "SS_LISTEN_PORT", String.valueOf(port),
        "SS_CACHE_DIR", cache.toString(), "SS_PREFIX", prefix.toString()));
    for (Map.Entry<String, String> entry : all.entrySet()) {
      config = config.replace("${" + entry.getKey() + "}", entry.getValue());
    }
    Path conf = prefix.resolve("nginx.conf");
    Files.writeString(conf, config);
    Process process = new ProcessBuilder("nginx", "-e", prefix.resolve("startup.log").toString(), "-p",
        prefix.toString(), "-c", conf.toString(), "-g", "daemon off;")
        .redirectErrorStream(true).redirectOutput(prefix.resolve("stdout.log").toFile()).start();
    Nginx nginx = new Nginx(process, prefix, port);
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return nginx;
      } catch (IOException e) {
        if (!process.isAlive() || System.currentTimeMillis() > deadline) {
          String log = Files.exists(prefix.resolve("error.log")) ? Files.readString(prefix.resolve("error.log")) : "";
          nginx.close();
          throw new IllegalStateException("nginx did not start: " + log
              + Files.readString(prefix.resolve("stdout.log")));
        }
        Thread.sleep(50);
      }
    }
  }

  /** A free loopback port (for a second listener in a template, e.g. nginx-rtmp's). */
  public static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  public Path prefix() {
    return prefix;
  }

  public int port() {
    return port;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  public String accessLog() throws IOException {
    Path log = prefix.resolve("access.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  @Override
  public void close() throws Exception {
    process.destroy(); // SIGTERM: nginx's master stops its workers
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
    try (Stream<Path> paths = Files.walk(prefix)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
