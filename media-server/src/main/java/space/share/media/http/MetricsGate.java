package space.share.media.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.media.status.JsonResponses;
import space.share.media.status.MediaStatus;

/**
 * Splits the server by connector: the admin connector ({@code media.metrics.host:port}, loopback by default) answers
 * {@code GET /metrics} and nothing else; the public connector never answers {@code /metrics}. Either refusal is a 404
 * with one log line naming the peer, and nothing of the other side is reachable. Outermost handler.
 */
final class MetricsGate extends Handler.Wrapper {
  private static final Logger log = LoggerFactory.getLogger(MetricsGate.class);
  static final String PATH = "/metrics";
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Connector admin;
  private final Supplier<String> scrape;

  MetricsGate(Connector admin, Supplier<String> scrape, Handler next) {
    super(next);
    this.admin = admin;
    this.scrape = scrape;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    boolean metricsPath = path.equals(PATH) || path.startsWith(PATH + "/");
    if (request.getConnectionMetaData().getConnector() == admin) {
      if (path.equals(PATH) && ("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod()))) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(scrape.get().getBytes(StandardCharsets.UTF_8)), callback);
        return true;
      }
      log.info("admin port: {} {} from {} refused: only GET {} is served here", request.getMethod(), path,
          peer(request), PATH);
      JsonResponses.error(response, MediaStatus.NOT_FOUND, "only GET " + PATH + " is served on this port", callback);
      return true;
    }
    if (metricsPath) {
      log.info("{} {} from {} refused: metrics are served on the admin port only (media.metrics.host/port)",
          request.getMethod(), path, peer(request));
      JsonResponses.error(response, MediaStatus.NOT_FOUND, "not found", callback);
      return true;
    }
    return super.handle(request, response, callback);
  }

  private static String peer(Request request) {
    return Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
  }
}
