package space.share.room;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import space.share.settings.HttpLimits;

/**
 * The room controller's HTTP connector with its {@link HttpLimits} ({@code room.http.*}): open connections, idle
 * time, request header size. Request bodies are bounded where they are read ({@code ApiHandler}); WebSocket messages
 * and idle times where the sockets are configured ({@code RoomSockets}).
 */
final class HttpConnector {
  private HttpConnector() {}

  /** Adds a connector on {@code host:port} (0: any free port) to {@code server}, with {@code limits}. */
  static ServerConnector add(Server server, String host, int port, HttpLimits limits) {
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(limits.maxRequestHeaderBytes());
    http.setSendServerVersion(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(limits.idleTimeoutMs());
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(limits.maxConnections(), server));
    return connector;
  }
}
