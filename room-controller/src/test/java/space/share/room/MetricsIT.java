package space.share.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import space.share.media.testing.LogLines;
import space.share.media.testing.PrometheusText;
import space.share.room.rooms.StaticDesktopManager;

/**
 * {@code GET /metrics} of a real running controller (Jetty, H2 file) after a room is created, a member joins and a
 * join is refused, read with a strict text-format parser; and the endpoint's refusals: 401 without the metrics
 * token, 404 when none is configured.
 */
class MetricsIT {
  private static final String TOKEN = "it-metrics-token-0123456789";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @TempDir Path dataDir;
  private ControllerHarness harness;

  @BeforeEach
  void start() throws Exception {
    harness = new ControllerHarness(dataDir, new FakeClock(1_767_225_600_000L), new FakeStreamStatus(),
        new StaticDesktopManager(null), Map.of("metrics.token", TOKEN));
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  private static HttpResponse<String> get(int port, String path, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private PrometheusText scrape() throws Exception {
    HttpResponse<String> response = get(harness.controller.port(), "/metrics", "Bearer " + TOKEN);
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("text/plain; version=0.0.4; charset=utf-8",
        response.headers().firstValue("Content-Type").orElse(""));
    return PrometheusText.parse(response.body());
  }

  @Test
  void metrics_afterCreateJoinAndAWrongPasscode_countsTheRoomTheMemberAndTheRefusal() throws Exception {
    PrometheusText before = scrape();
    assertEquals(0.0, before.value("share_space_room_rooms"));
    assertEquals("counter", before.type("share_space_room_join_failures_total"));

    harness.createRoom("metered", "right-passcode");
    harness.join("metered", "right-passcode", "Ann");
    ControllerHarness.Reply refused = harness.call("POST", "/api/rooms/metered/join", null,
        Map.of("passcode", "wrong-passcode", "name", "Eve"));
    assertEquals(403, refused.status(), refused.body().toString());

    PrometheusText after = scrape();
    assertEquals(1.0, after.value("share_space_room_rooms"));
    assertEquals(2.0, after.value("share_space_room_members"), "the owner and Ann");
    assertEquals(1.0, after.value("share_space_room_members_joined_total"));
    assertEquals(1.0, after.value("share_space_room_join_failures_total", "reason", "wrong_passcode"));
    assertEquals(0.0, after.value("share_space_room_join_failures_total", "reason", "full"));
    assertEquals(0.0, after.value("share_space_room_vnc_sessions_open"));
    assertEquals(0.0, after.value("share_space_room_vnc_sessions_total"));
    assertEquals(0.0, after.value("share_space_room_desktop_restarts_total"));
    assertTrue(after.value("jvm_threads_live_threads") > 0, "JVM meters are there too");
  }

  @Test
  void metrics_withoutTheToken_is401_andWithNoTokenConfigured_is404() throws Exception {
    try (LogLines lines = LogLines.of("space.share.web.MetricsGate")) {
      refusals();
      // One line per refused request, naming the peer.
      assertEquals(4, lines.matching(m -> m.contains("refused") && m.contains("from 127.0.0.1:")).size(),
          lines.toString());
    }
  }

  private void refusals() throws Exception {
    int port = harness.controller.port();
    assertEquals(401, get(port, "/metrics", null).statusCode());
    HttpResponse<String> wrong = get(port, "/metrics", "Bearer " + TOKEN + "x");
    assertEquals(401, wrong.statusCode());
    assertEquals("Bearer", wrong.headers().firstValue("WWW-Authenticate").orElse(""));
    assertTrue(!wrong.body().contains("share_space"), wrong.body());
    // The admin token is not the metrics token.
    assertEquals(401, get(port, "/metrics", "Bearer " + ControllerHarness.ADMIN).statusCode());
    assertEquals(200, get(port, "/metrics", "Bearer " + TOKEN).statusCode());
    // A controller whose metrics.token is empty serves /metrics to nobody.
    try (ControllerHarness off = new ControllerHarness(dataDir.resolve("off"), new FakeClock(1_767_225_600_000L),
        new FakeStreamStatus(), new StaticDesktopManager(null), Map.of())) {
      assertEquals(404, get(off.controller.port(), "/metrics", "Bearer " + TOKEN).statusCode());
    }
  }
}
