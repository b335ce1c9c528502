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
import space.share.room.FakeClock;
import space.share.room.FakeMediaRevocations;
import space.share.room.FakeStreamStatus;
import space.share.room.rooms.StaticDesktopManager;
import space.share.room.members.Revocation;

/** The controller's side of media token revocation, through the real API and H2, against a fake media server. */
class MediaRevocationsTest {
  private static final long NOW_MS = 1_767_225_600_000L;
  private static final long TTL_SECONDS = 3600;

  @TempDir Path dataDir;
  private final FakeClock clock = new FakeClock(NOW_MS);
  private final FakeMediaRevocations media = new FakeMediaRevocations();
  private ControllerHarness harness;

  @BeforeEach
  void start() throws Exception {
    harness = new ControllerHarness(dataDir, clock, new FakeStreamStatus(), new StaticDesktopManager(null),
        Map.of("room.media.token-ttl-seconds", String.valueOf(TTL_SECONDS), "room.media.poll-interval-ms", "50",
            "room.media.revocation-retry-ms", "20", "room.media.revocation-attempts", "3"), media);
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
    List<Revocation> accepted = media.awaitAccepted(1, 5_000);
    assertEquals(new Revocation("room1", beaId, NOW_MS / 1000 + TTL_SECONDS), accepted.get(0));
    Thread.sleep(300);
    assertEquals(1, media.accepted().size(), "more than one revocation: " + media.accepted());
    assertEquals(1, media.attempts());
  }

  @Test
  void deleteRoom_revokesTheWholeRoom() throws Exception {
    harness.join("room1", "open-sesame", "Bea");
    assertEquals(200, harness.call("DELETE", "/api/rooms/room1", ControllerHarness.ADMIN, null).status());
    assertEquals(List.of(new Revocation("room1", null, NOW_MS / 1000 + TTL_SECONDS)), media.awaitAccepted(1, 5_000));
  }

  @Test
  void leave_mediaServerFailing_isRetriedWithBackoffUntilAccepted() throws Exception {
    media.failNext(2);
    JsonNode bea = harness.join("room1", "open-sesame", "Bea");
    String beaId = leave("room1", bea);
    assertEquals("room1/" + beaId, describe(media.awaitAccepted(1, 5_000).get(0)));
    assertEquals(3, media.attempts());
  }

  @Test
  void leave_answersAtOnceWhileTheMediaServerIsDown() throws Exception {
    media.setReachable(false);
    JsonNode bea = harness.join("room1", "open-sesame", "Bea");
    long startNanos = System.nanoTime();
    leave("room1", bea);
    assertTrue((System.nanoTime() - startNanos) / 1_000_000 < 2_000, "leave waited for the media server");
    // Every attempt fails: they run out (logged), and the revocation is sent once the media server is back.
    Thread.sleep(300);
    assertEquals(0, media.accepted().size());
    media.setReachable(true);
    assertEquals(1, media.awaitAccepted(1, 5_000).size());
  }

  @Test
  void mediaServerRestart_resendsEverySessionEndedAndRoomDeletedWithinTheTokenLifetime() throws Exception {
    JsonNode bea = harness.join("room1", "open-sesame", "Bea");
    String beaId = leave("room1", bea);
    harness.createRoom("room2", "open-sesame");
    assertEquals(200, harness.call("DELETE", "/api/rooms/room2", ControllerHarness.ADMIN, null).status());
    media.awaitAccepted(2, 5_000);

    media.restart("boot-2");
    Set<String> resent = media.awaitAccepted(2, 5_000).stream().map(MediaRevocationsTest::describe)
        .collect(Collectors.toSet());
    assertEquals(Set.of("room1/" + beaId, "room2/null"), resent);

    // After a token lifetime nothing is left to send: a restart then sends nothing.
    clock.advanceMs(TTL_SECONDS * 1000 + 1000);
    media.restart("boot-3");
    Thread.sleep(300);
    assertEquals(List.of(), media.accepted());
  }

  private static String describe(Revocation revocation) {
    return revocation.roomId() + "/" + revocation.memberId();
  }
}
