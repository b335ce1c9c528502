package space.share.media.hls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Parses a playlist with videojs' m3u8-parser under node (src/test/hlsjs, installed by {@code npm ci} in
 * generate-test-resources): a parser that shares no code or assumptions with {@link PlaylistWriter}.
 */
final class IndependentParser {
  static final Path SCRIPT = Path.of("src/test/hlsjs/parse-playlist.cjs");

  private IndependentParser() {}

  /** The parsed manifest; fails the test when the parser warns about anything. */
  static JsonNode parse(String playlist) throws Exception {
    Path file = Files.createTempFile("playlist", ".m3u8");
    try {
      Files.writeString(file, playlist, StandardCharsets.UTF_8);
      Process node = new ProcessBuilder("node", SCRIPT.toString(), file.toString()).redirectErrorStream(true).start();
      byte[] output = node.getInputStream().readAllBytes();
      if (!node.waitFor(30, TimeUnit.SECONDS) || node.exitValue() != 0) {
        node.destroyForcibly();
        throw new AssertionError("m3u8-parser failed: " + new String(output, StandardCharsets.UTF_8));
      }
      JsonNode result = new ObjectMapper().readTree(output);
      if (!result.get("warnings").isEmpty()) {
        throw new AssertionError("m3u8-parser warned: " + result.get("warnings") + "\n" + playlist);
      }
      return result.get("manifest");
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
