package space.share.settings;

/**
 * Where a server answers its operators' tools ({@code GET /metrics}): a listener of its own, apart from the public
 * port, on loopback unless configured otherwise. Nothing on it asks for a credential, so its audience is whoever can
 * reach {@code host:port}; both servers read theirs from {@code <prefix>host} and {@code <prefix>port}
 * ({@code media.metrics.}, {@code room.metrics.}).
 *
 * @param host the address to bind; {@code 127.0.0.1} by default, so only the host itself can scrape
 * @param port the TCP port; 0 picks a free one (tests)
 */
public record AdminPort(String host, int port) {
  /** Loopback, any free port: what tests and embedded servers use. */
  public static final AdminPort LOOPBACK_ANY = new AdminPort("127.0.0.1", 0);

  public AdminPort {
    if (host == null || host.isBlank() || port < 0 || port > 65_535) {
      throw new IllegalArgumentException("admin port: host must be set and port within 0..65535: " + host + ":" + port);
    }
  }

  /** {@code <prefix>host} (default 127.0.0.1) and {@code <prefix>port} (default {@code defaultPort}). */
  public static AdminPort from(Settings settings, String prefix, int defaultPort) {
    return new AdminPort(settings.get(prefix + "host", "127.0.0.1"), settings.getInt(prefix + "port", defaultPort));
  }
}
