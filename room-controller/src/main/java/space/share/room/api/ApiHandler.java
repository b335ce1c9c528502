package space.share.room.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.room.members.Member;
import space.share.room.rooms.RoomServices;
import space.share.room.status.RoomException;
import space.share.room.status.RoomStatus;
import space.share.room.store.StoreException;
import space.share.room.token.SessionTokens;

/**
 * The room API under {@code /api/} (docs/room-api.md): {@code DashboardService} for the admin; membership, control
 * and VNC tokens ({@code MembershipService}, {@code ControlService}, {@code VncService}) for members. JSON in and out; every refusal goes through {@link ErrorRenderer}.
 *
 * <p>Threading: Jetty calls {@link #handle} on its pool; calls block briefly on the database and on
 * bcrypt for joins, which is why this handler declares the blocking invocation type (the default).
 */
public final class ApiHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
  static final int MAX_BODY_BYTES = 16 * 1024;
  /** How much of a too-large body is read and dropped before the 413 goes out. */
  static final int MAX_DISCARD_BYTES = 1024 * 1024;

  private final RoomServices rooms;
  private final String adminToken;

  public ApiHandler(RoomServices rooms, String adminToken) {
    this.rooms = rooms;
    this.adminToken = adminToken;
  }

  record CreateRoomBody(String id, String name, String passcode, String ownerName) {}

  record JoinBody(String passcode, String name) {}

  record GiveBody(String memberId) {}

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    if (path.equals("/healthz")) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
      Content.Sink.write(response, true, "ok", callback);
      return true;
    }
    if (!path.startsWith("/api/")) {
      return false;
    }
    try {
      Object result = route(request, path);
      int status = result instanceof Created ? 201 : 200;
      Object body = result instanceof Created created ? created.body() : result;
      ErrorRenderer.writeJson(response, status, body == null ? Map.of() : body, callback);
    } catch (RoomException e) {
      ErrorRenderer.render(request, response, callback, e);
    } catch (StoreException e) {
      ErrorRenderer.render(request, response, callback, new RoomException(RoomStatus.INTERNAL_ERROR, "database error", e));
    } catch (RuntimeException e) {
      LOG.error("unexpected failure on {} {}", request.getMethod(), path, e);
      ErrorRenderer.render(request, response, callback, new RoomException(RoomStatus.INTERNAL_ERROR, "internal error", e));
    }
    return true;
  }

  /** Marks a 201 result. */
  private record Created(Object body) {}

  private Object route(Request request, String path) {
    String method = request.getMethod();
    String[] segments = path.substring(1).split("/", -1); // api, rooms, {id}, ...
    if (segments.length < 2 || !segments[1].equals("rooms")) {
      throw new RoomException(RoomStatus.NOT_FOUND, "no such endpoint: " + path);
    }
    if (segments.length == 2) {
      requireAdmin(request);
      return switch (method) {
        case "POST" -> {
          CreateRoomBody body = readBody(request, CreateRoomBody.class);
          yield new Created(rooms.dashboard().createRoom(body.id(), body.name(), body.passcode(), body.ownerName()));
        }
        case "GET" -> rooms.dashboard().listRooms();
        default -> throw notAllowed(method, path);
      };
    }
    String roomId = segments[2];
    if (segments.length == 3) {
      return switch (method) {
        case "GET" -> isAdmin(request) ? rooms.dashboard().adminRoom(roomId) : rooms.members().configuration(member(request, roomId));
        case "DELETE" -> {
          requireAdmin(request);
          rooms.dashboard().deleteRoom(roomId);
          yield Map.of("deleted", roomId);
        }
        default -> throw notAllowed(method, path);
      };
    }
    String action = String.join("/", java.util.Arrays.copyOfRange(segments, 3, segments.length));
    if (action.equals("history")) {
      requireMethod(method, "GET", path);
      requireAdmin(request);
      return rooms.dashboard().history(roomId);
    }
    requireMethod(method, "POST", path);
    return switch (action) {
      case "join" -> {
        JoinBody body = readBody(request, JoinBody.class);
        yield rooms.members().join(roomId, body.passcode(), body.name(), Request.getRemoteAddr(request), isAdmin(request));
      }
      case "leave" -> {
        rooms.members().leave(member(request, roomId));
        yield Map.of("left", roomId);
      }
      case "control/request" -> rooms.control().requestControl(member(request, roomId));
      case "control/release" -> rooms.control().releaseControl(member(request, roomId));
      case "control/take" -> rooms.control().takeControl(member(request, roomId));
      case "control/give" -> {
        Member member = member(request, roomId);
        yield rooms.control().giveControl(member, readBody(request, GiveBody.class).memberId());
      }
      case "vnc-token" -> rooms.vnc().vncToken(member(request, roomId));
      default -> throw new RoomException(RoomStatus.NOT_FOUND, "no such endpoint: " + path);
    };
  }

  private Member member(Request request, String roomId) {
    return rooms.members().authenticate(roomId, bearer(request));
  }

  private static String bearer(Request request) {
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return header.substring(7).trim();
  }

  private boolean isAdmin(Request request) {
    return SessionTokens.secretEquals(adminToken, bearer(request));
  }

  private void requireAdmin(Request request) {
    String token = bearer(request);
    if (token == null) {
      throw new RoomException(RoomStatus.UNAUTHORIZED, "the admin token is required");
    }
    if (!SessionTokens.secretEquals(adminToken, token)) {
      throw new RoomException(RoomStatus.FORBIDDEN, "admin only");
    }
  }

  private static void requireMethod(String method, String expected, String path) {
    if (!method.equals(expected)) {
      throw notAllowed(method, path);
    }
  }

  private static RoomException notAllowed(String method, String path) {
    return new RoomException(RoomStatus.METHOD_NOT_ALLOWED, method + " is not allowed on " + path);
  }

  /** Reads at most {@link #MAX_BODY_BYTES} of JSON into {@code type}; an empty body is {@code {}}. */
  private static <T> T readBody(Request request, Class<T> type) {
    long declared = request.getLength();
    byte[] bytes;
    try (InputStream in = Content.Source.asInputStream(request)) {
      bytes = in.readNBytes(MAX_BODY_BYTES + 1);
      if (declared > MAX_BODY_BYTES || bytes.length > MAX_BODY_BYTES) {
        // Read (and drop) a bounded rest of the body before answering, so a client still sending sees the 413
        // instead of a connection reset; a larger body gets the 413 and the connection closes.
        discard(in, MAX_DISCARD_BYTES);
        throw new RoomException(RoomStatus.PAYLOAD_TOO_LARGE, "body over " + MAX_BODY_BYTES + " bytes");
      }
    } catch (IOException e) {
      throw new RoomException(RoomStatus.BAD_REQUEST, "could not read the body");
    }
    try {
      return Json.MAPPER.readValue(bytes.length == 0 ? "{}".getBytes() : bytes, type);
    } catch (UnrecognizedPropertyException e) {
      throw new RoomException(RoomStatus.BAD_REQUEST, "unknown field \"" + e.getPropertyName() + "\"");
    } catch (JsonProcessingException e) {
      throw new RoomException(RoomStatus.BAD_REQUEST, "body is not the expected JSON object");
    } catch (IOException e) {
      throw new RoomException(RoomStatus.BAD_REQUEST, "could not read the body");
    }
  }

  private static void discard(InputStream in, long maxBytes) throws IOException {
    byte[] buffer = new byte[8192];
    long left = maxBytes;
    int n;
    while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
      left -= n;
    }
  }
}
