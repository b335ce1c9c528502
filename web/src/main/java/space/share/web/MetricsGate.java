package space.share.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.settings.ScrapeToken;

/**
 * {@code GET /metrics} on either server: the Prometheus text for a request with {@code Authorization: Bearer
 * <metrics.token>}; 401 without it or with another, 404 while no token is configured. Each refusal is one log line
 * naming the peer, and the answer says nothing but the status, in the server's own error format
 * ({@link Refusals}). Outermost handler, so no other handler sees {@code /metrics}. The rule is
 * {@link ScrapeToken#decide}; this class renders its answers.
 */
public final class MetricsGate extends Handler.Wrapper {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsGate.class);

  /** How a server writes its refusals (its JSON error body and status vocabulary). */
  public interface Refusals {
    void notFound(Request request, Response response, Callback callback);

    void unauthorized(Request request, Response response, Callback callback);
  }

  private final ScrapeToken token;
  private final Supplier<String> scrape;
  private final Refusals refusals;

  public MetricsGate(ScrapeToken token, Supplier<String> scrape, Refusals refusals, Handler next) {
    super(next);
    this.token = token;
    this.scrape = scrape;
    this.refusals = refusals;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    if (!ScrapeToken.covers(path)) {
      return super.handle(request, response, callback);
    }
    ScrapeToken.Decision decision = token.decide(request.getMethod(), path,
        request.getHeaders().get(HttpHeader.AUTHORIZATION));
    if (decision.verdict() != ScrapeToken.Verdict.SCRAPE) {
      LOG.info("{} {} from {}:{} refused: {}", request.getMethod(), path, Request.getRemoteAddr(request),
          Request.getRemotePort(request), decision.refusal());
    }
    switch (decision.verdict()) {
      case NOT_FOUND -> refusals.notFound(request, response, callback);
      case UNAUTHORIZED -> {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
        refusals.unauthorized(request, response, callback);
      }
      case SCRAPE -> {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, ScrapeToken.CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(scrape.get().getBytes(StandardCharsets.UTF_8)), callback);
      }
    }
    return true;
  }
}
