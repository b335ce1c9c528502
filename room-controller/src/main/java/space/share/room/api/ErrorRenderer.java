package space.share.room.api;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.room.status.RoomException;
import space.share.room.status.RoomStatus;

/**
 * The one place refusals become bytes: {@code {"error":"<code>","message":"..."}} with the status's
 * HTTP code, and a log line naming the peer (client errors at debug, server errors at error).
 */
public final class ErrorRenderer {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorRenderer.class);

  private ErrorRenderer() {}

  public static void render(Request request, Response response, Callback callback, RoomException error) {
    RoomStatus status = error.status();
    String peer = Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
    String line = request.getMethod() + " " + request.getHttpURI().getPath();
    if (status.isClientError()) {
      LOG.debug("{} {} -> {} {}: {}", peer, line, status.httpStatus(), status.code(), error.getMessage());
    } else {
      LOG.error("{} {} -> {} {}: {}", peer, line, status.httpStatus(), status.code(), error.getMessage(), error.getCause());
    }
    if (error.retryAfterSeconds() > 0) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(error.retryAfterSeconds()));
    }
    if (status == RoomStatus.UNAUTHORIZED || status == RoomStatus.TOKEN_EXPIRED) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
    }
    writeJson(response, status.httpStatus(), body(status, error.getMessage()), callback);
  }

  /** The JSON body of an error (also sent as the close reason's source on WebSockets). */
  public static Map<String, String> body(RoomStatus status, String message) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("error", status.code());
    body.put("message", message);
    return body;
  }

  static void writeJson(Response response, int httpStatus, Object value, Callback callback) {
    byte[] bytes = Json.write(value).getBytes(StandardCharsets.UTF_8);
    response.setStatus(httpStatus);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, java.nio.ByteBuffer.wrap(bytes), callback);
  }
}
