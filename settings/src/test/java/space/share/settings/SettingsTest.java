package space.share.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @Test
  void get_envSet_winsOverFileAndDefault() {
    Settings settings = Settings.of(Map.of("media.http.port", "8081"), Map.of("SHARE_SPACE_MEDIA_HTTP_PORT", "18181"));
    assertEquals(18181, settings.getInt("media.http.port", 1));
  }

  @Test
  void get_envSetForEveryKeyOfAManyKeyFile_alwaysWins() {
    // The bug this class replaces: file and env keys folded into one HashMap, the winner decided by hash order.
    Map<String, String> file = new java.util.HashMap<>();
    Map<String, String> env = new java.util.HashMap<>();
    for (int i = 0; i < 200; i++) {
      file.put("k" + i + ".bind-host", "file");
      env.put("SHARE_SPACE_K" + i + "_BIND_HOST", "env");
    }
    Settings settings = Settings.of(file, env);
    for (int i = 0; i < 200; i++) {
      assertEquals("env", settings.get("k" + i + ".bind-host", "default"), "key k" + i);
    }
  }

  @Test
  void get_onlyFile_readsFileTrimmed() {
    assertEquals("0.0.0.0", Settings.of(Map.of("media.bind-host", " 0.0.0.0 ")).get("media.bind-host", "x"));
  }

  @Test
  void get_neither_returnsDefault() {
    assertEquals("d", Settings.of(Map.of()).get("a.b", "d"));
  }

  @Test
  void get_envWithoutPrefix_ignored() {
    assertEquals("d", Settings.of(Map.of(), Map.of("MEDIA_HTTP_PORT", "1", "A_B", "2")).get("a.b", "d"));
  }

  @Test
  void getInt_notANumber_failsNamingKeyAndEnv() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Settings.of(Map.of("room.http.port", "eighty")).getInt("room.http.port", 8080));
    assertTrue(e.getMessage().contains("room.http.port") && e.getMessage().contains("SHARE_SPACE_ROOM_HTTP_PORT"),
        e.getMessage());
  }

  @Test
  void getInt_outOfIntRange_fails() {
    assertThrows(IllegalArgumentException.class, () -> Settings.of(Map.of("a", "4294967296")).getInt("a", 1));
  }

  @Test
  void getBool_acceptsOnOffSpellings_rejectsOthers() {
    Settings settings = Settings.of(Map.of("a", "on", "b", "No", "c", "maybe"));
    assertTrue(settings.getBool("a", false));
    assertFalse(settings.getBool("b", true));
    assertTrue(settings.getBool("missing", true));
    assertThrows(IllegalArgumentException.class, () -> settings.getBool("c", false));
  }

  @Test
  void group_fileAndEnv_envWinsAndAddsNames() {
    Settings settings = Settings.of(Map.of("media.streams.demo.key", "file-demo", "media.streams.cam.key", "file-cam",
            "media.streams.demo.public", "true"),
        Map.of("SHARE_SPACE_MEDIA_STREAMS_DEMO_KEY", "env-demo", "SHARE_SPACE_MEDIA_STREAMS_OBS_KEY", "env-obs"));
    assertEquals(Map.of("demo", "env-demo", "cam", "file-cam", "obs", "env-obs"), settings.group("media.streams.", ".key"));
    assertEquals(Map.of("demo", "true"), settings.group("media.streams.", ".public"));
  }

  @Test
  void keysRead_recordsEveryKeyAskedFor() {
    Settings settings = Settings.of(Map.of());
    settings.get("a.b", "");
    settings.getInt("c.d", 1);
    settings.group("e.", ".f");
    assertEquals(java.util.Set.of("a.b", "c.d", "e.*.f"), settings.keysRead());
  }

  @Test
  void load_configEnvNamesMissingFile_fails(@TempDir Path dir) {
    assertThrows(IOException.class,
        () -> Settings.load(Map.of("SHARE_SPACE_CONFIG", dir.resolve("nope.properties").toString())));
  }

  @Test
  void load_namedFile_readWithEnvOver(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("s.properties");
    Files.writeString(file, "media.http.port=8081\nmedia.bind-host=0.0.0.0\n");
    Settings settings = Settings.load(Map.of("SHARE_SPACE_CONFIG", file.toString(),
        "SHARE_SPACE_MEDIA_BIND_HOST", "127.0.0.1"));
    assertEquals(8081, settings.getInt("media.http.port", 1));
    assertEquals("127.0.0.1", settings.get("media.bind-host", ""));
  }
}
