package space.share.room;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.room.api.ErrorRenderer;
import space.share.room.status.RoomException;
import space.share.room.status.RoomStatus;
import space.share.settings.AdminPort;

/**
 * Splits the server by connector: the admin connector ({@code room.metrics.host:port}, loopback by default) answers
 * {@code GET /metrics} and nothing else; the public connector never answers {@code /metrics}. Either refusal is a 404
 * with one log line naming the peer. Outermost handler. (The media server's {@code http.MetricsGate} is the same
 * rule over its own error renderer.)
 */
final class MetricsGate extends Handler.Wrapper {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsGate.class);
  static final String PATH = "/metrics";
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Connector admin;
  private final Supplier<String> scrape;

  MetricsGate(Connector admin, Supplier<String> scrape, Handler next) {
    super(next);
    this.admin = admin;
    this.scrape = scrape;
  }

  /** A plain HTTP/1.1 connector for the scraper on {@code port} (the server's connection limit covers it too). */
  static ServerConnector addConnector(Server server, AdminPort port) {
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(port.host());
    connector.setPort(port.port());
    server.addConnector(connector);
    return connector;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    if (request.getConnectionMetaData().getConnector() == admin) {
      if (path.equals(PATH) && ("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod()))) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(scrape.get().getBytes(StandardCharsets.UTF_8)), callback);
        return true;
      }
      LOG.info("admin port: {} {} from {} refused: only GET {} is served here", request.getMethod(), path,
          peer(request), PATH);
      ErrorRenderer.render(request, response, callback,
          new RoomException(RoomStatus.NOT_FOUND, "only GET " + PATH + " is served on this port"));
      return true;
    }
    if (path.equals(PATH) || path.startsWith(PATH + "/")) {
      LOG.info("{} {} from {} refused: metrics are served on the admin port only (room.metrics.host/port)",
          request.getMethod(), path, peer(request));
      ErrorRenderer.render(request, response, callback, new RoomException(RoomStatus.NOT_FOUND, "nothing at " + path));
      return true;
    }
    return super.handle(request, response, callback);
  }

  private static String peer(Request request) {
    return Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
  }
}
