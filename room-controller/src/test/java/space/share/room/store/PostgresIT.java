package space.share.room.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import space.share.room.ControllerHarness;
import space.share.room.FakeClock;
import space.share.room.FakeStreamStatus;
import space.share.room.rooms.StaticDesktopManager;

/**
 * The documented production option: the same schema migrations and restart behaviour on a real
 * PostgreSQL, started here from Debian's binaries on a free port (as user postgres when run as
 * root). Skipped, with a message, where no PostgreSQL server binaries are installed.
 */
class PostgresIT {
  private Path pgDir;
  private Process postgres;

  private static Path binaries() throws IOException {
    Path debian = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(debian)) {
      return null;
    }
    try (Stream<Path> versions = Files.list(debian)) {
      return versions.map(version -> version.resolve("bin")).filter(bin -> Files.isExecutable(bin.resolve("initdb")))
          .max(Comparator.naturalOrder()).orElse(null);
    }
  }

  private static List<String> asPostgresUser(String... command) {
    List<String> full = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(List.of(command));
    return full;
  }

  private int startPostgres() throws Exception {
    Path bin = binaries();
    Assumptions.assumeTrue(bin != null, "no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)");
    pgDir = Files.createTempDirectory("share-space-pg");
    Path data = pgDir.resolve("data");
    if ("root".equals(System.getProperty("user.name"))) {
      exec(List.of("chown", "postgres", pgDir.toString()));
    }
    exec(asPostgresUser(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "share", "--auth=trust",
        "-E", "UTF8", "--no-sync"));
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    postgres = new ProcessBuilder(asPostgresUser(bin.resolve("postgres").toString(), "-D", data.toString(),
        "-p", Integer.toString(port), "-k", pgDir.toString(), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"))
        .redirectErrorStream(true).redirectOutput(pgDir.resolve("postgres.log").toFile()).start();
    long deadline = System.currentTimeMillis() + 30_000;
    while (!canConnect(port)) {
      if (System.currentTimeMillis() > deadline || !postgres.isAlive()) {
        throw new AssertionError("postgres did not start: " + Files.readString(pgDir.resolve("postgres.log")));
      }
      Thread.sleep(100);
    }
    return port;
  }

  @AfterEach
  void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.descendants().forEach(ProcessHandle::destroy);
      postgres.destroy();
      if (!postgres.waitFor(10, TimeUnit.SECONDS)) {
        postgres.descendants().forEach(ProcessHandle::destroyForcibly);
        postgres.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
    if (pgDir != null) {
      try (Stream<Path> files = Files.walk(pgDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  @Test
  void postgres_migrateCreateJoinRestart_everythingSurvives() throws Exception {
    int port = startPostgres();
    Map<String, String> config = Map.of("room.db.url", "jdbc:postgresql://127.0.0.1:" + port + "/postgres",
        "room.db.user", "share");
    FakeClock clock = new FakeClock(1_767_225_600_000L);
    String token;
    try (ControllerHarness first = new ControllerHarness(pgDir.resolve("unused"), clock, new FakeStreamStatus(),
        new StaticDesktopManager(null), config)) {
      first.createRoom("pg1", "open-sesame");
      token = first.join("pg1", "open-sesame", "Bea").path("token").asText();
      assertEquals(200, first.call("POST", "/api/rooms/pg1/control/request", token, null).status());
      assertEquals(403, first.call("POST", "/api/rooms/pg1/join", null, Map.of("passcode", "x", "name", "E")).status());
    }
    try (ControllerHarness second = new ControllerHarness(pgDir.resolve("unused"), clock, new FakeStreamStatus(),
        new StaticDesktopManager(null), config)) {
      JsonNode rooms = second.call("GET", "/api/rooms", ControllerHarness.ADMIN, null).body();
      assertEquals("pg1", rooms.get(0).path("id").asText());
      assertEquals(200, second.call("GET", "/api/rooms/pg1", token, null).status());
      JsonNode grants = second.call("GET", "/api/rooms/pg1/history", ControllerHarness.ADMIN, null).body().path("controlGrants");
      assertEquals(1, grants.size());
      assertFalse(grants.get(0).path("releasedAt").isNull());
      assertTrue(second.call("POST", "/api/rooms/pg1/join", null, Map.of("passcode", "open-sesame", "name", "Cy")).status() == 200);

      // The purge of ended sessions (DELETE ... WHERE id IN (SELECT ... LIMIT ?)) on PostgreSQL: Bea leaves, then
      // every session (12 h) has ended more than the retention (24 h) ago.
      assertEquals(200, second.call("POST", "/api/rooms/pg1/leave", token, null).status());
      assertEquals(0, second.controller.memberPurge().purgeOnce(), "nothing ended longer than the retention ago");
      clock.advanceMs(37 * 3600 * 1000L);
      assertEquals(3, second.controller.memberPurge().purgeOnce(), "the owner, Bea and Cy");
    }
    assertFalse(Files.exists(pgDir.resolve("unused").resolve("rooms.mv.db")), "no H2 file when a JDBC URL is set");
  }

  private static boolean canConnect(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void exec(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " failed: " + out);
    }
  }
}
