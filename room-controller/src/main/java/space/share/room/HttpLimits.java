package space.share.room;

import space.share.settings.Settings;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * What HTTP peers can make the room controller's Jetty hold: open connections, idle time, request header size.
 * Request bodies are bounded where they are read ({@code ApiHandler}); WebSocket messages and idle times where the
 * sockets are configured ({@code RoomSockets}).
 *
 * @param maxConnections TCP connections accepted at once (pages, API, event and VNC sockets); past it Jetty stops
 *     accepting until one closes
 * @param idleTimeoutMs an HTTP connection with no traffic for this long is closed (WebSockets set their own)
 * @param maxRequestHeaderBytes request line and headers together; more is answered 431
 */
public record HttpLimits(int maxConnections, long idleTimeoutMs, int maxRequestHeaderBytes) {
  public static final HttpLimits DEFAULTS = new HttpLimits(
      /* maxConnections= */ 4096, /* idleTimeoutMs= */ 30_000, /* maxRequestHeaderBytes= */ 8192);

  public HttpLimits {
    if (maxConnections < 1 || idleTimeoutMs < 1 || maxRequestHeaderBytes < 1024) {
      throw new IllegalArgumentException("HTTP limits: maxConnections and idleTimeoutMs must be positive,"
          + " maxRequestHeaderBytes at least 1024");
    }
  }

  static HttpLimits from(Settings config) {
    return new HttpLimits(
        config.getInt("room.http.max-connections", DEFAULTS.maxConnections()),
        config.getLong("room.http.idle-timeout-ms", DEFAULTS.idleTimeoutMs()),
        config.getInt("room.http.max-request-header-bytes", DEFAULTS.maxRequestHeaderBytes()));
  }

  /** Adds a connector on {@code host:port} (0: any free port) to {@code server}, with these limits. */
  ServerConnector addConnector(Server server, String host, int port) {
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(maxRequestHeaderBytes);
    http.setSendServerVersion(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(idleTimeoutMs);
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(maxConnections, server));
    return connector;
  }
}
