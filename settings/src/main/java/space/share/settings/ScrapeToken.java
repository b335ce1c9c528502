package space.share.settings;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Consumer;

/**
 * The bearer token a metrics scraper presents for {@code GET /metrics} on either server's public port
 * ({@code metrics.token}, env {@code SHARE_SPACE_METRICS_TOKEN}). Empty (the default) turns {@code /metrics} off;
 * any other value passes the {@link Secrets} rule (no placeholder, at least {@link Secrets#MIN_CHARS} characters,
 * unless dev-mode). Its scope is reading both servers' metrics, nothing else: no other request accepts it, and it
 * is never handed to a room desktop. Immutable.
 */
public final class ScrapeToken {
  public static final String KEY = "metrics.token";
  /** Where both servers answer scrapes; no other path accepts the token. */
  public static final String PATH = "/metrics";
  /** Prometheus' text exposition format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** What a request at or under {@link #PATH} gets. */
  public enum Verdict {
    SCRAPE,
    /** Off, another method, or a path under /metrics: as if nothing were there. */
    NOT_FOUND,
    /** No or another token: 401 with {@code WWW-Authenticate: Bearer}. */
    UNAUTHORIZED
  }

  /** A verdict and, for a refusal, the reason for its one log line. */
  public record Decision(Verdict verdict, String refusal) {}
  /** {@code /metrics} answers nobody. */
  public static final ScrapeToken OFF = new ScrapeToken(new byte[0]);

  private final byte[] expectedHeader;

  private ScrapeToken(byte[] expectedHeader) {
    this.expectedHeader = expectedHeader;
  }

  /** A token given directly (tests), unchecked. */
  public static ScrapeToken of(String token) {
    return token.isEmpty() ? OFF : new ScrapeToken(("Bearer " + token).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@code metrics.token}: empty is {@link #OFF}; anything else is checked like every secret.
   *
   * @throws Secrets.RefusedSecretException a placeholder or short token outside dev-mode
   */
  public static ScrapeToken from(Settings settings, Consumer<String> warn) {
    String token = settings.get(KEY, "");
    if (token.isEmpty()) {
      return OFF;
    }
    Secrets.check(settings, KEY, token, warn);
    return of(token);
  }

  public boolean enabled() {
    return expectedHeader.length > 0;
  }

  /** Whether an {@code Authorization} header value (may be null) carries the token; constant time in its length. */
  public boolean accepts(String authorization) {
    return enabled() && authorization != null
        && MessageDigest.isEqual(expectedHeader, authorization.getBytes(StandardCharsets.UTF_8));
  }

  /** The one rule both servers' gates apply to a request whose path is {@link #PATH} or under it. */
  public Decision decide(String method, String path, String authorization) {
    boolean read = "GET".equals(method) || "HEAD".equals(method);
    if (!enabled()) {
      return new Decision(Verdict.NOT_FOUND, "metrics are off (metrics.token is empty)");
    }
    if (!path.equals(PATH) || !read) {
      return new Decision(Verdict.NOT_FOUND, "only GET " + PATH);
    }
    if (!accepts(authorization)) {
      return new Decision(Verdict.UNAUTHORIZED, "no or wrong metrics token");
    }
    return new Decision(Verdict.SCRAPE, null);
  }

  /** Whether a request path is {@link #PATH} or under it (the gate's business, not the application's). */
  public static boolean covers(String path) {
    return path.equals(PATH) || path.startsWith(PATH + "/");
  }

  @Override
  public String toString() {
    return enabled() ? "ScrapeToken[set]" : "ScrapeToken[off]";
  }
}
