package space.share.media.http;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.media.access.AccessPolicy;
import space.share.media.access.RevocationRequests;
import space.share.media.feed.FeedSockets;
import space.share.media.status.JsonResponses;
import space.share.media.status.MediaStatus;
import space.share.media.stream.LiveStream;
import space.share.media.stream.StreamRegistry;
import space.share.settings.HttpLimits;
import space.share.settings.ScrapeToken;
import space.share.web.MetricsGate;

/**
 * The media server's HTTP side on Jetty 12: the WebSocket feed, the stream status API, health, and (through
 * {@code extraHandler}) LL-HLS, and the room controller's {@code POST /internal/revocations}; and {@code GET /metrics}
 * for a scraper with the metrics token ({@link MetricsGate}).
 */
public final class MediaHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MediaHttpServer.class);

  /** Sent on every status answer: a new value tells the room controller this server restarted. */
  public static final String BOOT_ID_HEADER = "X-Share-Space-Boot-Id";

  private final Server server;
  private final ServerConnector connector;
  private final String bootId = UUID.randomUUID().toString();
  private final NetworkConnectionLimit connectionLimit;

  /** Without revocations from the room controller (the internal endpoint refuses every request). */
  public MediaHttpServer(String host, int port, StreamRegistry streams, AccessPolicy access, int viewerMaxQueueBytes,
      Handler extraHandler) {
    this(host, port, streams, access, new RevocationRequests("", Clock.systemUTC()), viewerMaxQueueBytes,
        extraHandler, HttpLimits.DEFAULTS);
  }

  /** With {@link HttpLimits#DEFAULTS}. */
  public MediaHttpServer(String host, int port, StreamRegistry streams, AccessPolicy access,
      RevocationRequests revocationRequests, int viewerMaxQueueBytes, Handler extraHandler) {
    this(host, port, streams, access, revocationRequests, viewerMaxQueueBytes, extraHandler, HttpLimits.DEFAULTS);
  }

  /**
   * @param revocationRequests checks {@code POST /internal/revocations}, which feeds {@code access}'s revocations
   */
  public MediaHttpServer(String host, int port, StreamRegistry streams, AccessPolicy access,
      RevocationRequests revocationRequests, int viewerMaxQueueBytes, Handler extraHandler, HttpLimits limits) {
    this(host, port, streams, access, revocationRequests, viewerMaxQueueBytes, extraHandler, limits,
        ScrapeToken.OFF);
  }

  /** @param metricsToken what {@code GET /metrics} (the text of {@code streams}' metrics) needs; OFF: 404 */
  public MediaHttpServer(String host, int port, StreamRegistry streams, AccessPolicy access,
      RevocationRequests revocationRequests, int viewerMaxQueueBytes, Handler extraHandler, HttpLimits limits,
      ScrapeToken metricsToken) {
    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName("media-http");
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(limits.maxRequestHeaderBytes());
    http.setSendServerVersion(false);
    connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(limits.idleTimeoutMs());
    server.addConnector(connector);
    // Past the limit Jetty stops accepting (new peers wait in the backlog) until a connection closes.
    connectionLimit = new NetworkConnectionLimit(limits.maxConnections(), server);
    server.addBean(connectionLimit);
    Handler.Sequence routes = new Handler.Sequence();
    routes.addHandler(new StatusHandler(streams, access, bootId));
    routes.addHandler(new RevocationHandler(revocationRequests, access.revocations()));
    if (extraHandler != null) {
      routes.addHandler(extraHandler);
    }
    var feeds = FeedSockets.handler(server, streams, access, viewerMaxQueueBytes);
    feeds.setHandler(routes);
    server.setHandler(new MetricsGate(metricsToken, streams.metrics()::scrape, new MetricsGate.Refusals() {
      @Override
      public void notFound(Request request, Response response, Callback callback) {
        JsonResponses.error(response, MediaStatus.NOT_FOUND, "not found", callback);
      }

      @Override
      public void unauthorized(Request request, Response response, Callback callback) {
        JsonResponses.error(response, MediaStatus.UNAUTHORIZED, "metrics token required", callback);
      }
    }, feeds));
    server.setStopTimeout(2_000);
  }

  public void start() throws Exception {
    server.start();
    log.info("media HTTP on http://{}:{} (feed: /live/<id>/feed, status: /api/streams)", connector.getHost(),
        connector.getLocalPort());
  }



  /** A random id of this run, in the {@value #BOOT_ID_HEADER} header of the status answers. */
  public String bootId() {
    return bootId;
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** TCP connections open now, as the connection limit counts them. */
  public int openConnections() {
    return connectionLimit.getNetworkConnectionCount();
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(connector.getHost() == null ? "127.0.0.1" : connector.getHost(), port());
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  /**
   * {@code GET /healthz}, {@code GET /api/streams}, {@code GET /api/streams/{id}}; each answer carries the
   * {@value #BOOT_ID_HEADER} header.
   */
  private static final class StatusHandler extends Handler.Abstract.NonBlocking {
    private final StreamRegistry streams;
    private final AccessPolicy access;
    private final String bootId;

    StatusHandler(StreamRegistry streams, AccessPolicy access, String bootId) {
      this.streams = streams;
      this.access = access;
      this.bootId = bootId;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String path = Request.getPathInContext(request);
      if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
        return false;
      }
      if (path.equals("/healthz") || path.startsWith("/api/streams")) {
        response.getHeaders().put(BOOT_ID_HEADER, bootId);
      }
      if (path.equals("/healthz")) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
        response.write(true, java.nio.ByteBuffer.wrap("ok\n".getBytes()), callback);
        return true;
      }
      if (path.equals("/api/streams")) {
        // Only streams anyone may watch: a room's id is half of what lets someone knock on its door (the passcode is
        // the other half), so the list never names rooms. /api/streams/{id} answers for an id the caller knows.
        List<Map<String, Object>> body = streams.all().stream()
            .filter(s -> access.canView(s.id(), null) == AccessPolicy.ViewDecision.ALLOWED)
            .map(s -> describe(s.status())).toList();
        JsonResponses.write(response, 200, body, callback);
        return true;
      }
      if (path.startsWith("/api/streams/")) {
        String id = path.substring("/api/streams/".length());
        var stream = streams.find(id);
        if (stream.isEmpty()) {
          JsonResponses.error(response, MediaStatus.NOT_FOUND, "no stream '" + id + "' has been seen", callback);
        } else {
          JsonResponses.write(response, 200, describe(stream.get().status()), callback);
        }
        return true;
      }
      return false;
    }

    private static Map<String, Object> describe(LiveStream.Status status) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("id", status.id());
      out.put("live", status.live());
      out.put("codecs", status.init() == null ? null : status.init().codecs());
      out.put("width", status.init() == null ? 0 : status.init().width());
      out.put("height", status.init() == null ? 0 : status.init().height());
      out.put("frameRate", status.init() == null ? 0 : status.init().frameRate());
      out.put("viewers", status.viewers());
      Instant since = status.liveSince();
      out.put("since", since == null ? null : since.toString());
      return out;
    }
  }
}
