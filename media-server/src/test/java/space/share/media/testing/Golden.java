package space.share.media.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares text with a golden file under {@code src/test/resources/golden/}. Regenerate every golden file with
 * {@code mvn -pl media-server test -Dgolden.update=true}, then review the diff before committing.
 */
public final class Golden {
  private Golden() {}

  public static void assertMatches(String name, String actual) throws Exception {
    Path file = Path.of("src/test/resources/golden", name);
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual, StandardCharsets.UTF_8);
      return;
    }
    if (!Files.exists(file)) {
      throw new AssertionError("missing golden file " + file + "; run with -Dgolden.update=true to create it");
    }
    assertEquals(Files.readString(file, StandardCharsets.UTF_8), actual, "golden " + name);
  }
}
