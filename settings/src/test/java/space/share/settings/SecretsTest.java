package space.share.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SecretsTest {
  private final List<String> warnings = new ArrayList<>();

  @ParameterizedTest
  @ValueSource(strings = {"", "dev-secret-change-me-in-production", "dev-admin-change-me", "demo-key-change-me",
      "change-me", "CHANGE-ME", "my-change-me-secret-value", "short-random"})
  void require_emptyShippedOrShort_refusedNamingKeyAndEnv(String value) {
    Settings settings = Settings.of(Map.of("secret", value));
    Secrets.RefusedSecretException e = assertThrows(Secrets.RefusedSecretException.class,
        () -> Secrets.require(settings, "secret", warnings::add));
    assertTrue(e.getMessage().contains("SHARE_SPACE_SECRET"), e.getMessage());
  }

  @Test
  void require_randomValue_accepted() {
    String value = "q2W9x7LmP4vT8sYb3nKc6Hd1";
    assertEquals(value, Secrets.require(Settings.of(Map.of("secret", value)), "secret", warnings::add));
    assertTrue(warnings.isEmpty());
  }

  @Test
  void require_shippedValueInDevMode_acceptedWithWarning() {
    Settings settings = Settings.of(Map.of("secret", "dev-secret-change-me-in-production"),
        Map.of("SHARE_SPACE_DEV_MODE", "on"));
    assertEquals("dev-secret-change-me-in-production", Secrets.require(settings, "secret", warnings::add));
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).contains("dev-mode"), warnings.get(0));
  }

  @Test
  void require_devModeOffInEnvOverFileOn_refused() {
    Settings settings = Settings.of(Map.of("secret", "", "dev-mode", "on"), Map.of("SHARE_SPACE_DEV_MODE", "off"));
    assertThrows(Secrets.RefusedSecretException.class, () -> Secrets.require(settings, "secret", warnings::add));
  }

  /** Every value docker-compose's documented .env.example ships is refused by the servers (and by room passcodes). */
  static Stream<String> envExampleValues() throws IOException {
    Properties env = new Properties();
    try (var reader = Files.newBufferedReader(Path.of("../.env.example"))) {
      env.load(reader);
    }
    return Stream.of("SHARE_SPACE_SECRET", "ROOM_ADMIN_TOKEN", "METRICS_TOKEN", "ROOM_STREAM_KEY", "ROOM_VNC_PASSWORD")
        .filter(env::containsKey).map(env::getProperty);
  }

  @ParameterizedTest
  @MethodSource("envExampleValues")
  void require_envExampleValue_refused(String value) {
    assertThrows(Secrets.RefusedSecretException.class,
        () -> Secrets.require(Settings.of(Map.of("secret", value)), "secret", warnings::add));
  }

  @Test
  void shippedConfigFile_holdsNoSecret() throws IOException {
    Properties file = new Properties();
    try (var reader = Files.newBufferedReader(Path.of("../config/share-space.properties"))) {
      file.load(reader);
    }
    for (String key : file.stringPropertyNames()) {
      if (key.equals("secret") || key.endsWith("token") || key.endsWith(".key") || key.endsWith("password")) {
        assertEquals("", file.getProperty(key).trim(), key + " must ship empty: ./run.sh generates it");
      }
    }
  }
}
