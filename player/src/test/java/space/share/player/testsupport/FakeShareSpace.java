package space.share.player.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketClose;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketMessage;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketOpen;
import org.eclipse.jetty.websocket.api.annotations.WebSocket;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for the room controller (and the media server's feed) until the real ones land: serves the
 * built pages, the room API in the shapes of docs/room-api.md (room-controller branch), the events socket, a
 * WebSocket-to-TCP VNC proxy to a real x11vnc, and the feed of a {@link FeedHub}. All on one Jetty on
 * 127.0.0.1, port 0. Its Date header can run on a skewed clock, like the feed's prft.
 * Thread-safe: Jetty threads call in; room state is guarded by the instance lock.
 */
public final class FakeShareSpace implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FakeShareSpace.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final String ADMIN_TOKEN = "admin-token-for-tests";

  public final FeedHub feed = new FeedHub();
  private final Server server;
  private final ServerConnector connector;
  private final long clockSkewMs;
  private volatile InetSocketAddress vncTarget;
  /** When set, the feed URL every room hands out (e.g. a dead port, to make the page fall back to HLS). */
  private volatile String feedUrlOverride;
  /** When set, /live/{id}/* is served from this directory (an HLS stream ffmpeg writes). */
  private volatile Path hlsDir;

  /** When set, feeds come from a real media server at this ws:// base, with HMAC member tokens. */
  private volatile String mediaWsBase;
  private volatile String mediaSecret;

  private final Map<String, RoomState> rooms = new LinkedHashMap<>();
  private final Set<String> deletedRooms = ConcurrentHashMap.newKeySet();
  private final Map<String, Member> membersByToken = new ConcurrentHashMap<>();
  private final Map<String, Member> vncTokens = new ConcurrentHashMap<>();
  public final List<String> log = new CopyOnWriteArrayList<>();

  record Member(String roomId, String memberId, String name, String token) {}

  static final class RoomState {
    final String id;
    final String name;
    final String passcode;
    final List<Member> members = new ArrayList<>();
    String holder;
    final List<String> pending = new ArrayList<>();
    final Set<Session> eventSessions = ConcurrentHashMap.newKeySet();

    RoomState(String id, String name, String passcode) {
      this.id = id;
      this.name = name;
      this.passcode = passcode;
    }
  }

  public FakeShareSpace(Path staticDir, long clockSkewMs) throws Exception {
    this.clockSkewMs = clockSkewMs;
    server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    http.setSendDateHeader(false); // set below, on the (possibly skewed) server clock
    http.setSendServerVersion(false);
    connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);

    ResourceHandler files = new ResourceHandler();
    files.setBaseResource(ResourceFactory.of(server).newResource(staticDir));
    files.setWelcomeFiles(List.of("index.html"));
    files.setDirAllowed(false);

    Handler.Wrapper api = new Handler.Wrapper(files) {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        Path hls = hlsDir;
        if (hls != null && path.startsWith("/live/")) {
          Path file = hls.resolve(path.substring(path.lastIndexOf('/') + 1)).normalize();
          if (!file.startsWith(hls) || !java.nio.file.Files.isRegularFile(file)) {
            error(response, callback, 404, "not_found", "no such HLS file");
            return true;
          }
          response.getHeaders().put(HttpHeader.CONTENT_TYPE, path.endsWith(".m3u8") ? "application/vnd.apple.mpegurl" : "video/mp4");
          response.write(true, ByteBuffer.wrap(java.nio.file.Files.readAllBytes(file)), callback);
          return true;
        }
        if (!path.startsWith("/api/")) return super.handle(request, response, callback);
        handleApi(request, response, callback, path);
        return true;
      }
    };
    ContextHandler context = new ContextHandler("/");
    WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, context, container -> {
      container.setIdleTimeout(java.time.Duration.ofMinutes(5));
      container.setMaxBinaryMessageSize(16 << 20);
      container.addMapping("/live/*", (rq, rs, cb) -> {
        feedRequests.add(rq.getHttpURI().getPathQuery());
        return new FeedSocket();
      });
      container.addMapping("/rooms/*", (rq, rs, cb) -> {
        String p = rq.getHttpURI().getPath();
        String token = Request.extractQueryParameters(rq).getValue("token");
        if (p.endsWith("/events")) {
          Member m = token == null ? null : membersByToken.get(token);
          return new EventsSocket(m);
        }
        if (p.endsWith("/vnc")) {
          Member m = token == null ? null : vncTokens.remove(token); // single use
          if (rq.getSubProtocols().contains("binary")) rs.setAcceptedSubProtocol("binary");
          return new VncSocket(m);
        }
        return null;
      });
    });
    ws.setHandler(api);
    Handler.Wrapper dated = new Handler.Wrapper(ws) {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        response.getHeaders().put(HttpHeader.DATE, DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.ofInstant(Instant.ofEpochMilli(System.currentTimeMillis() + clockSkewMs), ZoneOffset.UTC)));
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        return super.handle(request, response, callback);
      }
    };
    context.setHandler(dated);
    server.setHandler(context);
    server.start();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + connector.getLocalPort() + "/";
  }

  public synchronized void addRoom(String id, String name, String passcode) {
    rooms.put(id, new RoomState(id, name, passcode));
  }

  public synchronized void deleteRoom(String id) {
    RoomState r = rooms.remove(id);
    if (r != null) {
      for (Session s : r.eventSessions) {
        s.sendText("{\"type\":\"room-deleted\",\"roomId\":\"" + id + "\"}", org.eclipse.jetty.websocket.api.Callback.NOOP);
        s.close(4410, "room_deleted: room deleted", org.eclipse.jetty.websocket.api.Callback.NOOP);
      }
      deletedRooms.add(id);
    }
  }

  public void overrideFeedUrl(String url) {
    feedUrlOverride = url;
  }

  /** Path and query of every feed WebSocket request, in order. */
  public final List<String> feedRequests = new CopyOnWriteArrayList<>();

  /**
   * The room's stream moved to another media server (docs/room-api.md {@code media-moved}): its members' feed URL is
   * {@code feedUrl} from now on, and their event sockets are told so.
   */
  public synchronized void moveMedia(String roomId, String mediaServer, String feedUrl) {
    feedUrlOverride = feedUrl;
    ObjectNode event = JSON.createObjectNode().put("type", "media-moved").put("mediaServer", mediaServer);
    event.putObject("urls").put("feed", feedUrl);
    broadcast(rooms.get(roomId), event);
  }

  public void serveHls(Path dir) {
    hlsDir = dir;
  }

  /** Points the rooms' feeds at a real media server sharing this HMAC secret (docs/protocol.md). */
  public void useMediaServer(String wsBase, String secret) {
    mediaWsBase = wsBase;
    mediaSecret = secret;
  }

  /** {@code sig = base64url(HMAC-SHA256(secret, message))} without padding. */
  public static String sign(String secret, String message) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String publishKey(String secret, String roomId) {
    return "r." + roomId + "." + sign(secret, "publish|" + roomId);
  }

  private String mediaToken(Member m) {
    long exp = System.currentTimeMillis() / 1000 + 3600;
    return "m1." + m.roomId() + "." + m.memberId() + "." + exp + "." + sign(mediaSecret, "media|" + m.roomId() + "|" + m.memberId() + "|" + exp);
  }

  public void setVncTarget(InetSocketAddress target) {
    vncTarget = target;
  }

  public synchronized String holder(String roomId) {
    return rooms.get(roomId).holder;
  }

  // ------------------------------------------------------------------ HTTP API

  private void handleApi(Request request, Response response, Callback callback, String path) throws Exception {
    String method = request.getMethod();
    String[] parts = path.substring(1).split("/"); // api, rooms, {id}, ...
    String body = Content.Source.asString(request, StandardCharsets.UTF_8);
    JsonNode in = body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
    String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    String bearer = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
    log.add(method + " " + path);
    synchronized (this) {
      if (parts.length == 2 && parts[1].equals("rooms")) {
        if (!ADMIN_TOKEN.equals(bearer)) { error(response, callback, 401, "unauthorized", "admin token required"); return; }
        if (method.equals("GET")) {
          ArrayNode list = JSON.createArrayNode();
          for (RoomState r : rooms.values()) list.add(adminRoomJson(r));
          json(response, callback, 200, list);
          return;
        }
        if (method.equals("POST")) {
          String id = in.path("id").asText();
          if (!id.matches("[a-z0-9-]{1,64}")) { error(response, callback, 400, "bad_request", "room id must match [a-z0-9-]{1,64}"); return; }
          if (rooms.containsKey(id)) { error(response, callback, 409, "conflict", "room exists"); return; }
          String passcode = in.path("passcode").asText("pass" + UUID.randomUUID().toString().substring(0, 4));
          addRoom(id, in.path("name").asText(id), passcode);
          ObjectNode out = JSON.createObjectNode();
          out.set("room", adminRoomJson(rooms.get(id)));
          out.put("passcode", passcode);
          json(response, callback, 201, out);
          return;
        }
      }
      if (parts.length < 3 || !parts[1].equals("rooms")) { error(response, callback, 404, "not_found", "no such API"); return; }
      RoomState room = rooms.get(parts[2]);
      if (parts.length == 3 && method.equals("DELETE")) {
        if (!ADMIN_TOKEN.equals(bearer)) { error(response, callback, 401, "unauthorized", "admin token required"); return; }
        if (room == null) { error(response, callback, 404, "not_found", "no such room"); return; }
        deleteRoom(room.id);
        json(response, callback, 200, JSON.createObjectNode().put("deleted", room.id));
        return;
      }
      if (room == null && deletedRooms.contains(parts[2])) { error(response, callback, 410, "room_deleted", "room deleted"); return; }
      if (room == null) { error(response, callback, 404, "not_found", "no such room"); return; }
      if (parts.length == 4 && parts[3].equals("join") && method.equals("POST")) {
        if (!room.passcode.equals(in.path("passcode").asText())) { error(response, callback, 403, "wrong_passcode", "wrong passcode"); return; }
        Member m = new Member(room.id, "m" + (room.members.size() + 1) + "-" + UUID.randomUUID().toString().substring(0, 6),
            in.path("name").asText("Guest"), UUID.randomUUID().toString());
        room.members.add(m);
        membersByToken.put(m.token(), m);
        ObjectNode out = JSON.createObjectNode().put("memberId", m.memberId()).put("token", m.token());
        out.set("room", roomJson(room, m));
        json(response, callback, 200, out);
        ObjectNode joined = JSON.createObjectNode().put("type", "member-joined");
        joined.set("member", memberJson(m));
        broadcast(room, joined);
        return;
      }
      Member me = bearer == null ? null : membersByToken.get(bearer);
      if (me == null || !me.roomId().equals(room.id)) { error(response, callback, 401, "unauthorized", "member token required"); return; }
      if (parts.length == 3 && method.equals("GET")) { json(response, callback, 200, roomJson(room, me)); return; }
      if (parts.length == 5 && parts[3].equals("control")) {
        String before = room.holder;
        String reason = parts[4];
        switch (parts[4]) {
          case "request" -> {
            if (room.holder == null) room.holder = me.memberId();
            else if (!room.holder.equals(me.memberId()) && !room.pending.contains(me.memberId())) {
              room.pending.add(me.memberId());
              ObjectNode asked = controlJson(room).put("type", "control-requested").put("memberId", me.memberId());
              broadcast(room, asked);
            }
          }
          case "release" -> {
            if (me.memberId().equals(room.holder)) room.holder = null;
            room.pending.remove(me.memberId());
          }
          case "give" -> {
            if (!me.memberId().equals(room.holder)) { error(response, callback, 403, "not_holder", "only the holder gives control"); return; }
            String to = in.path("memberId").asText();
            room.holder = to;
            room.pending.remove(to);
          }
          default -> { error(response, callback, 404, "not_found", "no such control action"); return; }
        }
        json(response, callback, 200, controlJson(room));
        if (!java.util.Objects.equals(before, room.holder)) {
          broadcast(room, controlJson(room).put("type", "control").put("previousHolder", before).put("reason", reason));
        }
        return;
      }
      if (parts.length == 4 && parts[3].equals("vnc-token") && method.equals("POST")) {
        if (!me.memberId().equals(room.holder)) { error(response, callback, 403, "not_in_control", "only the member in control gets a VNC token"); return; }
        String t = UUID.randomUUID().toString();
        vncTokens.put(t, me);
        json(response, callback, 200, JSON.createObjectNode().put("token", t)
            .put("url", "ws://127.0.0.1:" + connector.getLocalPort() + "/rooms/" + room.id + "/vnc?token=" + t).put("expiresInMs", 10000));
        return;
      }
      error(response, callback, 404, "not_found", "no such API");
    }
  }

  /** GetConfiguration of docs/room-api.md. */
  private ObjectNode roomJson(RoomState r, Member m) {
    ObjectNode o = JSON.createObjectNode().put("id", r.id).put("name", r.name);
    if (m != null) o.set("you", memberJson(m));
    ObjectNode urls = o.putObject("urls");
    String base = mediaWsBase;
    if (feedUrlOverride != null) urls.put("feed", feedUrlOverride);
    else if (base != null && m != null) urls.put("feed", base + "/live/" + r.id + "/feed?token=" + mediaToken(m));
    else urls.put("feed", "ws://127.0.0.1:" + connector.getLocalPort() + "/live/" + r.id + "/feed" + (m == null ? "" : "?token=" + m.token()));
    urls.put("playlist", "http://127.0.0.1:" + connector.getLocalPort() + "/live/" + r.id + "/index.m3u8");
    urls.put("events", "ws://127.0.0.1:" + connector.getLocalPort() + "/rooms/" + r.id + "/events");
    urls.put("vnc", "ws://127.0.0.1:" + connector.getLocalPort() + "/rooms/" + r.id + "/vnc");
    o.set("control", controlJson(r));
    ArrayNode members = o.putArray("members");
    for (Member x : r.members) members.add(memberJson(x));
    return o;
  }

  private ObjectNode adminRoomJson(RoomState r) {
    ObjectNode o = JSON.createObjectNode().put("id", r.id).put("name", r.name).put("memberCount", r.members.size());
    o.set("control", controlJson(r));
    return o;
  }

  private static ObjectNode memberJson(Member m) {
    return JSON.createObjectNode().put("id", m.memberId()).put("name", m.name()).put("owner", false).put("online", true);
  }

  private static ObjectNode controlJson(RoomState r) {
    ObjectNode o = JSON.createObjectNode().put("holder", r.holder);
    ArrayNode pending = o.putArray("pending");
    r.pending.forEach(pending::add);
    return o;
  }

  private void broadcast(RoomState r, ObjectNode event) {
    String text = event.toString();
    for (Session s : r.eventSessions) s.sendText(text, org.eclipse.jetty.websocket.api.Callback.NOOP);
  }

  private static void json(Response response, Callback callback, int status, JsonNode body) throws IOException {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    Content.Sink.write(response, true, JSON.writeValueAsString(body), callback);
  }

  private static void error(Response response, Callback callback, int status, String code, String message) throws IOException {
    json(response, callback, status, JSON.createObjectNode().put("error", code).put("message", message));
  }

  // ------------------------------------------------------------------ sockets

  @WebSocket
  public final class FeedSocket {
    @OnWebSocketOpen
    public void open(Session s) {
      feed.open(s);
    }

    @OnWebSocketClose
    public void close(Session s, int code, String reason) {
      feed.close(s);
    }
  }

  @WebSocket
  public final class EventsSocket {
    private final Member member;

    EventsSocket(Member member) {
      this.member = member;
    }

    @OnWebSocketOpen
    public void open(Session s) {
      synchronized (FakeShareSpace.this) {
        RoomState r = member == null ? null : rooms.get(member.roomId());
        if (r == null) {
          boolean deleted = member != null && deletedRooms.contains(member.roomId());
          s.close(deleted ? 4410 : 4401, deleted ? "room_deleted: room deleted" : "unauthorized: unknown token", org.eclipse.jetty.websocket.api.Callback.NOOP);
          return;
        }
        r.eventSessions.add(s);
        ObjectNode snapshot = JSON.createObjectNode().put("type", "snapshot");
        snapshot.set("room", roomJson(r, member));
        s.sendText(snapshot.toString(), org.eclipse.jetty.websocket.api.Callback.NOOP);
      }
    }

    @OnWebSocketClose
    public void close(Session s, int code, String reason) {
      synchronized (FakeShareSpace.this) {
        rooms.values().forEach(r -> r.eventSessions.remove(s));
      }
    }
  }

  /** WebSocket (subprotocol binary) to TCP, one thread copying TCP to the socket. */
  @WebSocket
  public final class VncSocket {
    private final Member member;
    private Socket tcp;
    private OutputStream toVnc;

    VncSocket(Member member) {
      this.member = member;
    }

    @OnWebSocketOpen
    public void open(Session s) throws IOException {
      if (member == null || vncTarget == null) {
        log.add("vnc refused: " + (member == null ? "bad token" : "no desktop"));
        s.close(4403, "bad VNC token", org.eclipse.jetty.websocket.api.Callback.NOOP);
        return;
      }
      log.add("vnc open for " + member.memberId());
      tcp = new Socket();
      tcp.setTcpNoDelay(true);
      tcp.connect(vncTarget, 5000);
      toVnc = tcp.getOutputStream();
      InputStream fromVnc = tcp.getInputStream();
      Thread t = new Thread(() -> {
        byte[] buf = new byte[64 * 1024];
        try {
          int n;
          while ((n = fromVnc.read(buf)) > 0) {
            var done = new org.eclipse.jetty.websocket.api.Callback.Completable();
            s.sendBinary(ByteBuffer.wrap(buf, 0, n).slice(), done);
            done.get(10, TimeUnit.SECONDS); // one write in flight, then read again
          }
        } catch (Exception e) {
          LOG.debug("vnc proxy for {} ended: {}", member.memberId(), e.toString());
        } finally {
          s.close(1000, "vnc closed", org.eclipse.jetty.websocket.api.Callback.NOOP);
        }
      }, "vnc-proxy-" + member.memberId());
      t.setDaemon(true);
      t.start();
    }

    @OnWebSocketMessage
    public void binary(Session s, ByteBuffer data, org.eclipse.jetty.websocket.api.Callback callback) {
      try {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        toVnc.write(b);
        toVnc.flush();
        callback.succeed();
      } catch (IOException e) {
        callback.fail(e);
        s.close(1011, "vnc write failed", org.eclipse.jetty.websocket.api.Callback.NOOP);
      }
    }

    @OnWebSocketClose
    public void close(Session s, int code, String reason) throws IOException {
      if (tcp != null) tcp.close();
    }
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
