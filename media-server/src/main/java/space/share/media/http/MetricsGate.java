package space.share.media.http;

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
import space.share.media.status.JsonResponses;
import space.share.media.status.MediaStatus;
import space.share.settings.ScrapeToken;

/**
 * {@code GET /metrics}: the Prometheus text for a request with {@code Authorization: Bearer <metrics.token>}; 401
 * without it or with another, 404 while no token is configured. Each refusal is one log line naming the peer, and
 * the answer says nothing but the status. Outermost handler, so no other handler sees {@code /metrics}.
 */
final class MetricsGate extends Handler.Wrapper {
  private static final Logger log = LoggerFactory.getLogger(MetricsGate.class);

  private final ScrapeToken token;
  private final Supplier<String> scrape;

  MetricsGate(ScrapeToken token, Supplier<String> scrape, Handler next) {
    super(next);
    this.token = token;
    this.scrape = scrape;
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
      log.info("{} {} from {}:{} refused: {}", request.getMethod(), path, Request.getRemoteAddr(request),
          Request.getRemotePort(request), decision.refusal());
    }
    switch (decision.verdict()) {
      case NOT_FOUND -> JsonResponses.error(response, MediaStatus.NOT_FOUND, "not found", callback);
      case UNAUTHORIZED -> {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
        JsonResponses.error(response, MediaStatus.UNAUTHORIZED, "metrics token required", callback);
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
