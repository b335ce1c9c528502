package space.share.player.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A short fuzz run (bench/fuzz.sh runs 10,000 cases): the real media server and room controller started as
 * processes from bin/ (as run.sh starts them), ffmpeg publishing a live 720p30 stream into a room, a feed viewer and
 * an LL-HLS reader, and 500 malformed RTMP, HTTP, WebSocket, room-API and VNC-proxy cases against both servers.
 * RSS growth is printed (see the test output), not asserted: it depends on the JVM's heap sizing and on the load of
 * the machine.
 */
class FuzzIT {
  @Test
  void fiveHundredMalformedCases_noCrash_noFragmentLost_serversAnswer_goodClientJoins() throws Exception {
    Path home = Path.of("..").toAbsolutePath().normalize();
    assertTrue(Files.isDirectory(home.resolve("media-server/target/lib")) && Files.isDirectory(home.resolve("room-controller/target/lib")),
        "needs the packaged servers (mvn package) under " + home);
    FuzzRun.Settings settings = new FuzzRun.Settings(home, /* cases= */ 500, /* seed= */ 20261201L, /* workers= */ 16,
        /* maxFuzzTime= */ Duration.ofMinutes(3), /* settle= */ Duration.ofSeconds(5), System.out);

    FuzzRun.Report report = new FuzzRun(settings).run();

    assertEquals(500, report.casesTried(), "every case ran within the time bound");
    report.families().forEach((family, figures) -> assertTrue(figures.tried() > 0, "no case of family " + family));
    for (FuzzRun.ServerFigures s : report.servers()) {
      assertTrue(s.alive(), s.name() + " died");
      assertEquals(0, s.unresponsiveEpisodes(), s.name() + " stopped answering /healthz");
      assertTrue(s.healthyAtEnd(), s.name() + " does not answer /healthz after the run");
    }
    assertEquals(0, report.feed().lost(), "fragments lost by the feed viewer");
    assertTrue(report.feedFragmentsAfterFuzz() > 0, "the feed still flows after the cases");
    assertTrue(report.publisherAlive(), "the publisher was not cut off");
    assertEquals(200, report.goodJoinStatus(), "a good client joins the room after the cases");
    assertEquals(java.util.List.of(), report.findings(), "security findings");
    assertEquals(java.util.List.of(), report.failures());
  }
}
