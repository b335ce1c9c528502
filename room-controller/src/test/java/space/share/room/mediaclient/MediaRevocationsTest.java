package space.share.room.mediaclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import space.share.room.ControllerHarness;
import space.share.room.DaemonThreads;
import space.share.room.FakeClock;
import space.share.room.FakeMediaRevocations;
import space.share.room.FakeScheduler;
import space.share.room.FakeStreamStatus;
import space.share.room.members.Revocation;
import space.share.room.rooms.StaticDesktopManager;

/**
 * The controller's side of media token revocation, through the real API and H2, against a fake media server. The
 * revocation jobs run on a {@link FakeScheduler} the test advances: checks every 50 ms, retries after 20 and 40 ms,
 * 3 attempts.
 */
class MediaRevocationsTest {
  private static final long NOW_MS = 1_767_225_600_000L;
  private static final long TTL_SECONDS = 3600;

  @TempDir Path dataDir;
  private final FakeClock clock = new FakeClock(NOW_MS);
  private final FakeMediaRevocations media = new FakeMediaRevocations();
  private final FakeScheduler revocationJobs = new FakeScheduler();
  private ControllerHarness harness;

  @BeforeEach
  void start() throws Exception {
    harness = new ControllerHarness(dataDir, clock, new FakeStreamStatus(), new StaticDesktopManager(null),
        Map.of("room.media.token-ttl-seconds", String.valueOf(TTL_SECONDS), "room.media.poll-interval-ms", "50",
            "room.media.revocation-retry-ms", "20", "room.media.revocation-attempts", "3"), media,
        name -> name.equals("media-revocations") ? revocationJobs : DaemonThreads.scheduler(name));
    revocationJobs.runDue(); // the first boot id check, as at start-up: nothing to resend yet
    assertEquals(List.of(), media.accepted());
    harness.createRoom("room1", "open-sesame");
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  private String leave(String roomId, JsonNode session) throws Exception {
    assertEquals(200, harness.call("POST", "/api/rooms/" + roomId + "/leave", session.path("token").asText(), null).status());
    return session.path("memberId").asText();
  }

  @Test
  void leave_sendsOneRevocationForThatMember() throws Exception {
    JsonNode bea = harness.join("room1", "open-sesame", "Bea");
    harness.join("room1", "open-sesame", "Cal");
    String beaId = leave("room1", bea);
    revocationJobs.runDue();
    assertEquals(List.of(new Revocation("room1", beaId, NOW_MS / 1000 + TTL_SECONDS)), media.accepted());
    revocationJobs.advanceMs(500); // ten boot id checks: same boot, reachable, nothing to resend
    assertEquals(1, media.accepted().size(), "more than one revocation: " + media.accepted());
    assertEquals(1, media.attempts());
  }

  @Test
  void deleteRoom_revokesTheWholeRoom() throws Exception {
    harness.join("room1", "open-sesame", "Bea");
    assertEquals(200, harness.call("DELETE", "/api/rooms/room1", ControllerHarness.ADMIN, null).status());
    revocationJobs.runDue();
    assertEquals(List.of(new Revocation("room1", null, NOW_MS / 1000 + TTL_SECONDS)), media.accepted());
  }

  @Test
  void leave_mediaServerFailing_isRetriedWithBackoffUntilAccepted() throws Exception {
    media.failNext(2);
    JsonNode bea = harness.join("room1", "open-sesame", "Bea");
    String beaId = leave("room1", bea);
    revocationJobs.runDue();
    assertEquals(1, media.attempts());
    revocationJobs.advanceMs(19);
    assertEquals(1, media.attempts(), "retried before the first retry delay");
    revocationJobs.advanceMs(1);
    assertEquals(2, media.attempts());
    revocationJobs.advanceMs(39);
    assertEquals(2, media.attempts(), "the second retry did not wait twice the first delay");
    revocationJobs.advanceMs(1);
    assertEquals(3, media.attempts());
    assertEquals(List.of("room1/" + beaId), media.accepted().stream().map(MediaRevocationsTest::describe).toList());
  }

  @Test
  void leave_answersAtOnceWhileTheMediaServerIsDown() throws Exception {
    media.setReachable(false);
    JsonNode bea = harness.join("room1", "open-sesame", "Bea");
    long startNanos = System.nanoTime();
    leave("room1", bea);
    assertTrue((System.nanoTime() - startNanos) / 1_000_000 < 2_000, "leave waited for the media server");
    // Every attempt fails (at 0, 20 and 60 ms) and then they run out (logged): no fourth attempt however long.
    revocationJobs.advanceMs(60);
    assertEquals(3, media.attempts());
    revocationJobs.advanceMs(10_000);
    assertEquals(3, media.attempts(), "attempts did not run out");
    assertEquals(List.of(), media.accepted());
    // The next boot id check after the media server is back sends it again.
    media.setReachable(true);
    revocationJobs.advanceMs(50);
    assertEquals(1, media.accepted().size());
  }

  @Test
  void mediaServerRestart_resendsEverySessionEndedAndRoomDeletedWithinTheTokenLifetime() throws Exception {
    JsonNode bea = harness.join("room1", "open-sesame", "Bea");
    String beaId = leave("room1", bea);
    harness.createRoom("room2", "open-sesame");
    assertEquals(200, harness.call("DELETE", "/api/rooms/room2", ControllerHarness.ADMIN, null).status());
    revocationJobs.runDue();
    assertEquals(2, media.accepted().size());

    media.restart("boot-2");
    revocationJobs.advanceMs(50); // the next boot id check
    Set<String> resent = media.accepted().stream().map(MediaRevocationsTest::describe).collect(Collectors.toSet());
    assertEquals(Set.of("room1/" + beaId, "room2/null"), resent);

    // After a token lifetime nothing is left to send: a restart then sends nothing.
    clock.advanceMs(TTL_SECONDS * 1000 + 1000);
    media.restart("boot-3");
    revocationJobs.advanceMs(50);
    assertEquals(List.of(), media.accepted());
  }

  private static String describe(Revocation revocation) {
    return revocation.roomId() + "/" + revocation.memberId();
  }
}
