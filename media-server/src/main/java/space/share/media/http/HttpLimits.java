package space.share.media.http;

/**
 * What HTTP and WebSocket peers can make the media server hold.
 *
 * @param maxConnections TCP connections Jetty accepts at once (viewers, playlist and part requests, API); past it
 *     Jetty stops accepting until one closes
 * @param idleTimeoutMs an HTTP connection with no traffic for this long is closed (feed WebSockets set their own)
 * @param maxRequestHeaderBytes request line and headers together
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
}
