package space.share.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import space.share.media.testing.LogLines;
import space.share.room.rooms.StaticDesktopManager;
import space.share.settings.Secrets;

/** What the controller refuses or withholds so it can be exposed: default secrets, relay ids, logged passcodes. */
class ExposureSettingsTest {
  @TempDir Path dataDir;
  private final FakeClock clock = new FakeClock(1_800_000_000_000L);
  private final LogLines logs = LogLines.of(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @AfterEach
  void releaseLogs() {
    logs.close();
  }

  private ControllerHarness start(Map<String, String> extra) throws Exception {
    return new ControllerHarness(dataDir, clock, new FakeStreamStatus(), new StaticDesktopManager(null), extra);
  }

  @Test
  void start_shippedSecretOrAdminToken_refused() {
    assertThrows(Secrets.RefusedSecretException.class, () -> start(Map.of("secret", "dev-secret-change-me-in-production")));
    assertThrows(Secrets.RefusedSecretException.class, () -> start(Map.of("room.admin-token", "dev-admin-change-me")));
    assertThrows(Secrets.RefusedSecretException.class, () -> start(Map.of("room.admin-token", "")));
  }

  @Test
  void start_shippedSecretInDevMode_startsWithAWarning() throws Exception {
    try (ControllerHarness harness = start(Map.of("secret", "dev-secret-change-me-in-production", "dev-mode", "on"))) {
      assertTrue(harness.controller.port() > 0);
      assertTrue(logs.all().stream().anyMatch(m -> m.contains("dev-mode is on")));
    }
  }

  @Test
  void createRoom_relayStreamId_refusedAsConflict() throws Exception {
    try (ControllerHarness harness = start(Map.of("media.streams.demo.key", "a-relay-key-of-some-length",
        "media.streams.demo.public", "true"))) {
      ControllerHarness.Reply reply = harness.call("POST", "/api/rooms", ControllerHarness.ADMIN,
          Map.of("id", "demo", "name", "Demo", "passcode", "abcd1234"));
      assertEquals(409, reply.status(), reply.body().toString());
      assertTrue(reply.body().toString().contains("relay"), reply.body().toString());
      harness.createRoom("lobby", "abcd1234");
    }
  }

  @Test
  void bootstrapRoom_generatedPasscode_neverLoggedWrittenOwnerOnlyAndJoins() throws Exception {
    try (ControllerHarness harness = start(Map.of("room.bootstrap.id", "lobby"))) {
      // Under surefire there is no terminal: the passcode goes to a 0600 file in the data dir.
      Path file = dataDir.resolve("bootstrap-passcode");
      String passcode = Files.readString(file).trim();
      assertEquals(8, passcode.length());
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      assertFalse(logs.all().stream().anyMatch(m -> m.contains(passcode)),
          "a log line carries the passcode");
      assertTrue(logs.all().stream().anyMatch(m -> m.contains("bootstrap-passcode")));
      harness.join("lobby", passcode, "Ann");
    }
  }
}
