package space.share.settings;

/**
 * What HTTP and WebSocket peers can make a server's Jetty hold; both servers read theirs from {@code <prefix>*} keys
 * ({@code media.http.}, {@code room.http.}).
 *
 * @param maxConnections TCP connections Jetty accepts at once; past it Jetty stops accepting until one closes
 * @param idleTimeoutMs an HTTP connection with no traffic for this long is closed (WebSocket endpoints set their own)
 * @param maxRequestHeaderBytes request line and headers together (431 beyond)
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

  /** {@code <prefix>max-connections}, {@code <prefix>idle-timeout-ms}, {@code <prefix>max-request-header-bytes}. */
  public static HttpLimits from(Settings settings, String prefix) {
    return new HttpLimits(
        settings.getInt(prefix + "max-connections", DEFAULTS.maxConnections()),
        settings.getLong(prefix + "idle-timeout-ms", DEFAULTS.idleTimeoutMs()),
        settings.getInt(prefix + "max-request-header-bytes", DEFAULTS.maxRequestHeaderBytes()));
  }
}
