package space.share.media.testing;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A second origin for test pages (as the room controller serves the player in production): a few files by path,
 * on 127.0.0.1 and an ephemeral port.
 */
public final class StaticPages implements AutoCloseable {
  /** The test npm project (hls.js) and the test web pages. */
  public static final Path HLSJS_DIST = Path.of("src/test/hlsjs/node_modules/hls.js/dist");
  public static final Path WEB = Path.of("src/test/resources/web");

  private final Server server;
  private final ServerConnector connector;

  private StaticPages(Map<String, Path> files) throws Exception {
    server = new Server();
    connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Path file = files.get(Request.getPathInContext(request));
        if (file == null) {
          return false;
        }
        String name = file.getFileName().toString();
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, name.endsWith(".html") ? "text/html; charset=utf-8"
            : name.endsWith(".js") ? "text/javascript" : "application/octet-stream");
        response.write(true, ByteBuffer.wrap(Files.readAllBytes(file)), callback);
        return true;
      }
    });
    server.start();
  }

  /** Serves the hls.js test player: {@code /hls-player.html}, {@code /hls.min.js}, {@code /stamp-reader.js}. */
  public static StaticPages hlsPlayer() throws Exception {
    if (!Files.exists(HLSJS_DIST.resolve("hls.min.js"))) {
      throw new IllegalStateException("hls.js missing: run the build (npm ci runs in generate-test-resources)");
    }
    return new StaticPages(Map.of(
        "/hls-player.html", WEB.resolve("hls-player.html"),
        "/stamp-reader.js", WEB.resolve("stamp-reader.js"),
        "/hls.min.js", HLSJS_DIST.resolve("hls.min.js")));
  }

  public String url(String path) {
    return "http://127.0.0.1:" + connector.getLocalPort() + path;
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
