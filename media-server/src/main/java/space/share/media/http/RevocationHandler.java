package space.share.media.http;

import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.media.access.RevocationRequests;
import space.share.media.access.Revocations;
import space.share.media.status.JsonResponses;
import space.share.media.status.MediaStatus;

/**
 * {@code POST /internal/revocations}: the room controller withdraws a member's media token (or a whole room's)
 * before it expires. Authenticated by an HMAC of the exact body with the shared secret
 * ({@link RevocationRequests}); member tokens and stream keys cannot sign it. Idempotent. The body is read
 * asynchronously and bounded to {@value RevocationRequests#MAX_BODY_BYTES} bytes.
 */
final class RevocationHandler extends Handler.Abstract.NonBlocking {
  static final String PATH = "/internal/revocations";
  private static final Logger log = LoggerFactory.getLogger(RevocationHandler.class);

  private final RevocationRequests requests;
  private final Revocations revocations;

  RevocationHandler(RevocationRequests requests, Revocations revocations) {
    this.requests = requests;
    this.revocations = revocations;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!PATH.equals(Request.getPathInContext(request))) {
      return false;
    }
    String peer = Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
    if (!"POST".equals(request.getMethod())) {
      log.info("revocation from {} refused: method {}", peer, request.getMethod());
      response.getHeaders().put("Allow", "POST");
      JsonResponses.error(response, MediaStatus.METHOD_NOT_ALLOWED, "use POST", callback);
      return true;
    }
    String signature = request.getHeaders().get(RevocationRequests.SIGNATURE_HEADER);
    Content.Source.asByteArrayAsync(request, RevocationRequests.MAX_BODY_BYTES).whenComplete((body, failure) -> {
      if (failure != null) {
        log.info("revocation from {} refused: unreadable or oversized body ({})", peer, failure.toString());
        JsonResponses.error(response, MediaStatus.BAD_REQUEST,
            "body unreadable or larger than " + RevocationRequests.MAX_BODY_BYTES + " bytes", callback);
        return;
      }
      RevocationRequests.Revocation revocation;
      try {
        revocation = requests.verify(body, signature);
      } catch (RevocationRequests.Rejected e) {
        log.warn("revocation from {} refused: {}", peer, e.getMessage());
        JsonResponses.error(response, e.forbidden() ? MediaStatus.FORBIDDEN : MediaStatus.BAD_REQUEST, e.getMessage(),
            callback);
        return;
      }
      revocations.revoke(revocation.roomId(), revocation.memberId(), revocation.untilEpochSeconds());
      log.info("revoked media tokens of {} in room {} until {} (from {})",
          revocation.memberId() == null ? "every member" : "member " + revocation.memberId(), revocation.roomId(),
          revocation.untilEpochSeconds(), peer);
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("roomId", revocation.roomId());
      answer.put("memberId", revocation.memberId());
      answer.put("until", revocation.untilEpochSeconds());
      JsonResponses.write(response, 200, answer, callback);
    });
    return true;
  }
}
