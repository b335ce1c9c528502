package space.share.player.fuzz;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The malformed cases, by family. Each opens fresh connections, is bounded in time by its connections' deadlines,
 * and draws every choice from the run's seeded random source (so a seed replays the same cases, though not the
 * same interleaving of the concurrent workers).
 */
final class Cases {
  private Cases() {}

  /** The families the run reports on. */
  enum Family {
    RTMP, HTTP, WEBSOCKET, ROOM_API, VNC
  }

  interface Body {
    void run(CaseRun r) throws IOException;
  }

  /** One kind of case: its family, a name for the report, and its weight within the whole mix. */
  record Kind(Family family, String name, int weight, Body body) {}

  private static final long SHORT_MS = 1_500;
  private static final long SLOW_MS = 3_000;

  /** VNC cases that found no VNC token to get (the fuzz member lost control, or the controller refused). */
  static final AtomicInteger vncTokenMisses = new AtomicInteger();

  static List<Kind> all() {
    return List.of(
        // RTMP (ingest, Red5 on MINA) ----------------------------------------------------------------------------
        new Kind(Family.RTMP, "bytes-before-handshake", 4, Cases::rtmpBytesBeforeHandshake),
        new Kind(Family.RTMP, "handshake-then-bytes", 4, Cases::rtmpHandshakeThenBytes),
        new Kind(Family.RTMP, "random-chunk-headers", 6, Cases::rtmpRandomChunkHeaders),
        new Kind(Family.RTMP, "set-chunk-size-extreme", 5, Cases::rtmpSetChunkSizeExtreme),
        new Kind(Family.RTMP, "many-partial-chunk-streams", 4, Cases::rtmpManyPartialChunkStreams),
        new Kind(Family.RTMP, "connect-wrong-app", 2, Cases::rtmpConnectWrongApp),
        new Kind(Family.RTMP, "amf-garbage", 4, Cases::rtmpAmfGarbage),
        new Kind(Family.RTMP, "slowloris-handshake", 1, Cases::rtmpSlowloris),
        new Kind(Family.RTMP, "publish-wrong-key", 3, Cases::rtmpPublishWrongKey),
        new Kind(Family.RTMP, "authorized-publisher-bad-flv", 2, Cases::rtmpAuthorizedBadFlv),
        // HTTP (media server and controller) --------------------------------------------------------------------
        new Kind(Family.HTTP, "huge-header", 2, Cases::httpHugeHeader),
        new Kind(Family.HTTP, "many-headers", 2, Cases::httpManyHeaders),
        new Kind(Family.HTTP, "bad-method", 2, Cases::httpBadMethod),
        new Kind(Family.HTTP, "path-traversal", 3, Cases::httpPathTraversal),
        new Kind(Family.HTTP, "bad-percent-encoding", 2, Cases::httpBadPercent),
        new Kind(Family.HTTP, "bad-request-line", 2, Cases::httpBadRequestLine),
        new Kind(Family.HTTP, "revocation-body", 3, Cases::httpRevocationBody),
        new Kind(Family.HTTP, "chunked-never-ends", 1, Cases::httpChunkedNeverEnds),
        new Kind(Family.HTTP, "slow-client", 1, Cases::httpSlowClient),
        new Kind(Family.HTTP, "pipelined-never-read", 1, Cases::httpPipelinedNeverRead),
        new Kind(Family.HTTP, "hls-odd-queries", 3, Cases::httpHlsOddQueries),
        // WebSocket (feed, events, VNC upgrade) ----------------------------------------------------------------
        new Kind(Family.WEBSOCKET, "upgrade-bad-key", 3, Cases::wsUpgradeBadKey),
        new Kind(Family.WEBSOCKET, "bad-or-missing-token", 3, Cases::wsBadToken),
        new Kind(Family.WEBSOCKET, "huge-frame", 2, Cases::wsHugeFrame),
        new Kind(Family.WEBSOCKET, "fragments-never-finished", 2, Cases::wsFragmentsNeverFinished),
        new Kind(Family.WEBSOCKET, "mask-violations", 2, Cases::wsMaskViolations),
        new Kind(Family.WEBSOCKET, "ping-flood", 2, Cases::wsPingFlood),
        new Kind(Family.WEBSOCKET, "bad-opcodes-and-rsv", 2, Cases::wsBadOpcodes),
        new Kind(Family.WEBSOCKET, "events-garbage-messages", 2, Cases::wsEventsGarbage),
        // Room API -------------------------------------------------------------------------------------------
        new Kind(Family.ROOM_API, "join-huge-json", 3, Cases::apiJoinHuge),
        new Kind(Family.ROOM_API, "join-malformed-json", 4, Cases::apiJoinMalformed),
        new Kind(Family.ROOM_API, "join-wrong-passcode", 3, Cases::apiJoinWrongPasscode),
        new Kind(Family.ROOM_API, "bad-bearer", 3, Cases::apiBadBearer),
        new Kind(Family.ROOM_API, "odd-room-ids", 2, Cases::apiOddRoomIds),
        new Kind(Family.ROOM_API, "odd-methods-and-types", 2, Cases::apiOddMethods),
        // VNC proxy ------------------------------------------------------------------------------------------
        new Kind(Family.VNC, "no-or-bad-token", 3, Cases::vncBadToken),
        new Kind(Family.VNC, "garbage-rfb", 4, Cases::vncGarbageRfb),
        new Kind(Family.VNC, "token-reuse", 1, Cases::vncTokenReuse),
        new Kind(Family.VNC, "ws-violations", 2, Cases::vncWsViolations));
  }

  // ---- RTMP ---------------------------------------------------------------------------------------------------

  /** C0C1, S0S1S2, C2 (simple handshake, RTMP spec §5.2); false when the server did not complete it. */
  private static boolean rtmpHandshake(Conn c, CaseRun r) {
    if (!c.write(Wire.rtmpC0C1(r.rnd))) return false;
    byte[] s = c.readExactly(1 + 2 * Wire.RTMP_HANDSHAKE_BYTES, 2_000);
    if (s == null) return false;
    return c.write(Arrays.copyOfRange(s, 1, 1 + Wire.RTMP_HANDSHAKE_BYTES)); // C2 echoes S1
  }

  private static String tcUrl(CaseRun r) {
    return "rtmp://" + r.target.hostHeader(r.target.rtmp()) + "/live";
  }

  /** connect(app) after a large chunk size, so each command goes in one chunk; true on NetConnection.Connect.Success. */
  private static boolean rtmpConnect(Conn c, CaseRun r, String app) {
    c.write(Wire.rtmpSetChunkSize(65_536));
    c.write(Wire.rtmpMessage(3, 20, 0, Wire.amf0("connect", 1, Wire.connectObject(app, tcUrl(r)))));
    byte[] got = c.read(1_500, 65_536, "NetConnection.Connect.");
    return new String(got, StandardCharsets.ISO_8859_1).contains("NetConnection.Connect.Success");
  }

  /** createStream + publish(key); true when the server answered NetStream.Publish.Start. */
  private static boolean rtmpPublish(Conn c, CaseRun r, String key) {
    c.write(Wire.rtmpMessage(3, 20, 0, Wire.amf0("createStream", 2, null)));
    c.read(800, 65_536, "_result");
    c.write(Wire.rtmpMessage(8, 20, 1, Wire.amf0("publish", 0, null, key, "live")));
    byte[] got = c.read(1_500, 65_536, "NetStream.Publish.");
    return new String(got, StandardCharsets.ISO_8859_1).contains("NetStream.Publish.Start");
  }

  private static void rtmpBytesBeforeHandshake(CaseRun r) throws IOException {
    Conn c = r.open(r.target.rtmp(), SHORT_MS);
    byte[] junk = Wire.random(r.rnd, r.between(1, 16_384));
    junk[0] = (byte) (int) r.pick(3, 6, 0, 0xff, r.rnd.nextInt(256)); // plain, encrypted, nonsense versions
    c.write(junk);
    c.drainUntilClosed(500);
  }

  private static void rtmpHandshakeThenBytes(CaseRun r) throws IOException {
    Conn c = r.open(r.target.rtmp(), SHORT_MS);
    if (!rtmpHandshake(c, r)) return;
    c.write(Wire.random(r.rnd, r.between(1, 65_536)));
    c.drainUntilClosed(500);
  }

  private static int randomCsid(CaseRun r) {
    return switch (r.rnd.nextInt(3)) {
      case 0 -> r.between(2, 63); // one-byte basic header
      case 1 -> r.between(64, 319); // two bytes
      default -> r.between(320, 65_599); // three bytes
    };
  }

  private static void rtmpRandomChunkHeaders(CaseRun r) throws IOException {
    Conn c = r.open(r.target.rtmp(), SHORT_MS);
    if (!rtmpHandshake(c, r)) return;
    int chunks = r.between(1, 300);
    for (int i = 0; i < chunks && !c.writeFailed; i++) {
      long timestamp = r.rnd.nextInt(5) == 0 ? 0xFFFFFFL + (r.rnd.nextLong() & 0x7FFFFFFFL) : r.rnd.nextInt(0xFFFFFF);
      int length = r.pick(0, 1, r.rnd.nextInt(128), r.rnd.nextInt(0x1000000), 0xFFFFFF);
      int type = r.rnd.nextBoolean() ? r.between(1, 22) : r.rnd.nextInt(256);
      c.write(Wire.rtmpChunk(r.rnd.nextInt(4), randomCsid(r), timestamp, length, type, r.rnd.nextInt(),
          Wire.random(r.rnd, r.rnd.nextInt(257))));
    }
    c.drainUntilClosed(500);
  }

  private static void rtmpSetChunkSizeExtreme(CaseRun r) throws IOException {
    Conn c = r.open(r.target.rtmp(), SLOW_MS);
    if (!rtmpHandshake(c, r)) return;
    long size = r.pick(0L, 1L, 1L << 31, 0xFFFFFFFFL, 0x7FFFFFFFL, 0x1000000L);
    c.write(Wire.rtmpSetChunkSize(size));
    // Then messages claiming 16 MiB (the largest 24-bit length), only part of it sent.
    int messages = r.between(1, 8);
    for (int i = 0; i < messages && !c.writeFailed; i++) {
      int type = r.pick(8, 9, 18, 20);
      byte[] part = Wire.random(r.rnd, r.between(1, 256 * 1024));
      c.write(Wire.rtmpChunk(0, r.between(3, 20), r.rnd.nextInt(100_000), 0xFFFFFF, type, 1, part));
    }
    c.drainUntilClosed(500);
  }

  private static void rtmpManyPartialChunkStreams(CaseRun r) throws IOException {
    Conn c = r.open(r.target.rtmp(), SLOW_MS);
    if (!rtmpHandshake(c, r)) return;
    int streams = r.between(100, 3_000);
    int claimed = r.pick(65_536, 1 << 20, 0xFFFFFF);
    // Default chunk size 128: each chunk stream gets a first chunk of a message that never completes.
    for (int i = 0; i < streams && !c.writeFailed; i++) {
      int csid = r.rnd.nextBoolean() ? 3 + i : randomCsid(r);
      c.write(Wire.rtmpChunk(0, csid, i, claimed, r.pick(8, 9, 20), 1, Wire.random(r.rnd, 128)));
    }
    c.drainUntilClosed(500);
  }

  private static void rtmpConnectWrongApp(CaseRun r) throws IOException {
    Conn c = r.open(r.target.rtmp(), SHORT_MS);
    if (!rtmpHandshake(c, r)) return;
    String app = r.pick("", "nope", "live/../admin", "LIVE", "live/x/y", "live\u0000", "a".repeat(r.between(100, 60_000)),
        new String(Wire.random(r.rnd, 32), StandardCharsets.ISO_8859_1));
    rtmpConnect(c, r, app);
    c.drainUntilClosed(500);
  }

  private static void rtmpAmfGarbage(CaseRun r) throws IOException {
    Conn c = r.open(r.target.rtmp(), SHORT_MS);
    if (!rtmpHandshake(c, r)) return;
    c.write(Wire.rtmpSetChunkSize(65_536));
    byte[] garbage = Wire.random(r.rnd, r.between(0, 4_096));
    switch (r.rnd.nextInt(5)) {
      case 0 -> c.write(Wire.rtmpMessage(3, 20, 0, Wire.amf0("connect", garbage))); // connect, then garbage
      case 1 -> { // a connect object whose values are of every wrong type, then garbage commands
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("app", r.pick(1.0, (Object) null, Boolean.TRUE));
        o.put("tcUrl", 42.0);
        o.put("objectEncoding", r.pick(3.0, -1.0, Double.NaN, 1e300));
        c.write(Wire.rtmpMessage(3, 20, 0, Wire.amf0("connect", 1, o, garbage)));
      }
      case 2 -> { // valid connect, then createStream and publish with garbage arguments
        rtmpConnect(c, r, "live");
        c.write(Wire.rtmpMessage(3, 20, 0, Wire.amf0("createStream", garbage)));
        c.write(Wire.rtmpMessage(8, 20, 1, Wire.amf0("publish", r.rnd.nextDouble(), garbage)));
      }
      case 3 -> c.write(Wire.rtmpMessage(3, 17, 0, garbage)); // AMF3 command: random
      default -> { // nested objects a thousand deep, string lengths past the message
        byte[] deep = new byte[3 * r.between(100, 5_000)];
        Arrays.fill(deep, (byte) 0x03);
        c.write(Wire.rtmpMessage(3, 20, 0, Wire.amf0("connect", 1.0, deep)));
        c.write(Wire.rtmpMessage(3, 20, 0, new byte[] {0x02, (byte) 0xff, (byte) 0xff, 'c', 'o'}));
      }
    }
    c.drainUntilClosed(500);
  }

  private static void rtmpSlowloris(CaseRun r) throws IOException {
    Conn c = r.open(r.target.rtmp(), SLOW_MS);
    byte[] c0c1 = Wire.rtmpC0C1(r.rnd);
    long perByteMs = r.between(10, 80);
    for (int i = 0; i < c0c1.length && c.remainingMs() > SLOW_MS / 2; i++) {
      if (!c.write(c0c1, i, 1)) return;
      c.stall(perByteMs);
    }
    c.stall(SLOW_MS); // then nothing: the server must time the connection out, not keep it
    c.drainUntilClosed(c.remainingMs());
  }

  private static void rtmpPublishWrongKey(CaseRun r) throws IOException {
    Conn c = r.open(r.target.rtmp(), SLOW_MS);
    if (!rtmpHandshake(c, r) || !rtmpConnect(c, r, "live")) return;
    String room = r.target.liveRoomId();
    String key = r.pick("", "nope", "r." + room + ".AAAA", "r." + room + "." + "A".repeat(43),
        "r.other." + "B".repeat(43), r.target.demoKey() + "x", r.target.demoKey().toUpperCase(), "r." + room,
        "../" + r.target.demoKey(), "x".repeat(r.between(100, 20_000)));
    if (rtmpPublish(c, r, key)) {
      r.finding("RTMP publish accepted with a wrong key: " + key.substring(0, Math.min(40, key.length())));
    }
    c.write(Wire.rtmpMessage(4, 9, 1, Wire.random(r.rnd, r.between(1, 2_000))));
    c.drainUntilClosed(500);
  }

  /** The static relay stream's own key, then malformed FLV tags: a bad (authorized) publisher of another stream. */
  private static void rtmpAuthorizedBadFlv(CaseRun r) throws IOException {
    Conn c = r.open(r.target.rtmp(), SLOW_MS);
    if (!rtmpHandshake(c, r) || !rtmpConnect(c, r, "live") || !rtmpPublish(c, r, r.target.demoKey())) return;
    int tags = r.between(5, 200);
    long timestamp = 0;
    for (int i = 0; i < tags && !c.writeFailed; i++) {
      byte[] body = Wire.random(r.rnd, r.between(0, 8_192));
      int type = r.pick(8, 9, 9, 18);
      if (body.length >= 2 && type == 9) { // AVC: keyframe/inter, sequence header or NALU, random rest
        body[0] = (byte) (int) r.pick(0x17, 0x27, 0x12, 0x1c, 0x97);
        body[1] = (byte) r.rnd.nextInt(3);
      } else if (body.length >= 2 && type == 8) { // AAC sequence header or raw, random rest
        body[0] = (byte) (int) r.pick(0xaf, 0x2f, 0xa0);
        body[1] = (byte) r.rnd.nextInt(2);
      }
      timestamp = r.rnd.nextInt(10) == 0 ? r.rnd.nextInt(1 << 24) : timestamp + r.rnd.nextInt(40);
      c.write(Wire.rtmpChunk(0, 4 + (type & 1), timestamp, body.length, type, 1, body));
    }
    c.drainUntilClosed(300);
  }

  // ---- HTTP ---------------------------------------------------------------------------------------------------

  private static InetSocketAddress anyHttp(CaseRun r) {
    return r.rnd.nextBoolean() ? r.target.mediaHttp() : r.target.controllerHttp();
  }

  /** Sends {@code request}, reads the answer (64 KiB at most), records its status. */
  private static byte[] exchange(CaseRun r, InetSocketAddress to, byte[] request, long budgetMs, boolean spread)
      throws IOException {
    Conn c = r.open(to, budgetMs, spread);
    c.write(request);
    byte[] answer = c.read(budgetMs, 65_536, null);
    r.status(answer);
    return answer;
  }

  private static byte[] exchange(CaseRun r, InetSocketAddress to, String request) throws IOException {
    return exchange(r, to, request.getBytes(StandardCharsets.ISO_8859_1), SHORT_MS, false);
  }

  private static String get(String path, InetSocketAddress to, String headers) {
    return "GET " + path + " HTTP/1.1\r\nHost: " + to.getHostString() + ":" + to.getPort() + "\r\n" + headers
        + "Connection: close\r\n\r\n";
  }

  private static void httpHugeHeader(CaseRun r) throws IOException {
    InetSocketAddress to = anyHttp(r);
    int size = r.pick(9_000, 65_536, 1 << 20, r.between(1, 2 << 20));
    exchange(r, to, get(r.pick("/healthz", "/", "/api/rooms", "/live/demo/feed"), to, "X-Fuzz: " + "a".repeat(size) + "\r\n"));
  }

  private static void httpManyHeaders(CaseRun r) throws IOException {
    InetSocketAddress to = anyHttp(r);
    int count = r.between(100, 20_000);
    StringBuilder h = new StringBuilder();
    for (int i = 0; i < count; i++) h.append("X-F").append(i).append(": ").append(r.rnd.nextInt()).append("\r\n");
    exchange(r, to, get("/healthz", to, h.toString()));
  }

  private static void httpBadMethod(CaseRun r) throws IOException {
    InetSocketAddress to = anyHttp(r);
    String method = r.pick("FOO", "GET\u0000", "", "G E T", "get", "CONNECT", "TRACE", "PROPFIND", "PRI",
        "M".repeat(r.between(100, 10_000)), new String(Wire.random(r.rnd, 8), StandardCharsets.ISO_8859_1));
    exchange(r, to, method + " " + r.pick("/healthz", "/api/rooms", "*", "/internal/revocations") + " HTTP/1.1\r\nHost: x\r\n"
        + "Content-Length: 0\r\nConnection: close\r\n\r\n");
  }

  private static void httpPathTraversal(CaseRun r) throws IOException {
    InetSocketAddress to = anyHttp(r);
    String path = r.pick("/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc/passwd",
        "/player/../../../../etc/passwd", "//etc/passwd", "/live/..%2f..%2f..%2fetc%2fpasswd/feed",
        "/live/../../../../etc/passwd/index.m3u8", "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", "/..\\..\\..\\etc\\passwd",
        "/./././../config/share-space.properties", "/../config/share-space.properties", "/../../pom.xml",
        "/room.html/../../../../../etc/passwd", "/.%2e/.%2e/.%2e/etc/passwd", "/WEB-INF/../../../etc/passwd",
        "/live/demo/../../../../../proc/self/environ");
    byte[] answer = exchange(r, to, get(path, to, ""));
    String text = new String(answer, StandardCharsets.ISO_8859_1);
    if (text.contains("root:x:0:0") || text.contains("admin-token=") || text.contains("SHARE_SPACE_SECRET=")
        || text.contains("<modelVersion>")) {
      r.finding("path traversal: " + path + " answered a file outside the served folder");
    }
  }

  private static void httpBadPercent(CaseRun r) throws IOException {
    InetSocketAddress to = anyHttp(r);
    String path = r.pick("/%zz", "/%", "/%u0041", "/live/%ff%fe/feed", "/api/rooms/%00/join", "/%c0%af",
        "/live/demo%00/index.m3u8", "/api/rooms/%E2%82", "/%25%32%65", "/live/%/index.m3u8?token=%zz",
        "/healthz?%=%&%%=", "/api/rooms?" + "%".repeat(r.between(1, 5_000)));
    exchange(r, to, get(path, to, ""));
  }

  private static void httpBadRequestLine(CaseRun r) throws IOException {
    InetSocketAddress to = anyHttp(r);
    String req = r.pick(
        "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n",
        "GET /healthz\r\n\r\n",
        "GET http://evil.example/healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET /" + "a".repeat(r.between(8_000, 200_000)) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET /healthz HTTP/1.1\nHost: x\nConnection: close\n\n",
        "POST /internal/revocations HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\n\r\n",
        "POST /api/rooms/x/join HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 50\r\nConnection: close\r\n\r\n{}{}{",
        "GET /healthz HTTP/1.1\r\nHost: x\r\nHost: y\r\n Folded: header\r\nConnection: close\r\n\r\n",
        "\r\n\r\n\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\nConnection: close\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\nConnection: close\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nHTTP2-Settings: " + "A".repeat(1_000) + "\r\nConnection: Upgrade, HTTP2-Settings\r\n\r\n",
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + "\0".repeat(9));
    exchange(r, to, req);
  }

  private static void httpRevocationBody(CaseRun r) throws IOException {
    InetSocketAddress to = r.target.mediaHttp();
    long declared;
    byte[] body;
    String sig = r.pick("", "X-Share-Space-Signature: " + "A".repeat(43) + "\r\n",
        "X-Share-Space-Signature: " + "A".repeat(r.between(1, 100_000)) + "\r\n");
    switch (r.rnd.nextInt(4)) {
      case 0 -> { // huge body, actually sent (up to 4 MiB)
        body = Wire.random(r.rnd, r.between(4_097, 4 << 20));
        declared = body.length;
      }
      case 1 -> { // declares 2 GiB, sends a little
        body = Wire.random(r.rnd, r.between(1, 64_000));
        declared = r.pick(1L << 31, 10_000_000L, Long.MAX_VALUE / 2);
      }
      case 2 -> { // JSON of the right shape, bad signature, odd values
        body = ("{\"roomId\":\"" + r.pick(r.target.liveRoomId(), "x", "") + "\",\"memberId\":" + r.pick("null", "\"a\"", "1")
            + ",\"until\":" + r.pick("1e308", "-1", "99999999999", "\"x\"") + ",\"issuedAt\":" + r.rnd.nextLong() + "}")
            .getBytes(StandardCharsets.UTF_8);
        declared = body.length;
      }
      default -> { // deeply nested JSON
        int depth = r.between(100, 4_000);
        body = ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.UTF_8);
        declared = body.length;
      }
    }
    byte[] head = ("POST /internal/revocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + sig
        + "Content-Length: " + declared + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    Conn c = r.open(to, SLOW_MS);
    if (c.write(head)) c.write(body);
    r.status(c.read(SHORT_MS, 65_536, null));
  }

  private static void httpChunkedNeverEnds(CaseRun r) throws IOException {
    InetSocketAddress to = anyHttp(r);
    String path = to == r.target.mediaHttp() ? "/internal/revocations" : "/api/rooms/" + r.target.throttleRoomId() + "/join";
    Conn c = r.open(to, SLOW_MS, true);
    c.write("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    while (c.remainingMs() > 300 && !c.writeFailed && !c.serverClosed) {
      byte[] chunk = Wire.random(r.rnd, r.between(1, 8_192));
      c.write(Integer.toHexString(chunk.length) + "\r\n");
      c.write(chunk);
      c.write("\r\n");
      r.status(c.read(r.between(10, 200), 4_096, null));
    }
  }

  private static void httpSlowClient(CaseRun r) throws IOException {
    InetSocketAddress to = anyHttp(r);
    byte[] req = get("/healthz", to, "X-Slow: " + "s".repeat(200) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    Conn c = r.open(to, SLOW_MS);
    long perByteMs = r.between(5, 50);
    for (int i = 0; i < req.length && c.remainingMs() > 200 && !c.writeFailed; i++) {
      c.write(req, i, 1);
      c.stall(perByteMs);
    }
    r.status(c.read(c.remainingMs(), 65_536, null));
  }

  private static void httpPipelinedNeverRead(CaseRun r) throws IOException {
    InetSocketAddress to = anyHttp(r);
    String path = to == r.target.mediaHttp() ? r.pick("/api/streams", "/live/demo/index.m3u8", "/healthz")
        : r.pick("/", "/room.html", "/api/rooms/" + r.target.liveRoomId(), "/healthz");
    String one = "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
    Conn c = r.open(to, SLOW_MS);
    int requests = r.between(50, 2_000);
    c.write(one.repeat(requests));
    c.stall(SLOW_MS); // never reads: the answers pile up in the server's socket buffer
  }

  private static void httpHlsOddQueries(CaseRun r) throws IOException {
    InetSocketAddress to = r.target.mediaHttp();
    String stream = r.pick(r.target.liveRoomId(), "demo", "nope", "", "a".repeat(r.between(65, 5_000)));
    String token = r.pick("", "?token=" + r.target.fuzzMediaToken(), "?token=garbage", "?token=m1." + stream + ".a.1.x");
    String sep = token.isEmpty() ? "?" : "&";
    String msn = r.pick("-1", "0", "99999999999", "4294967296", "1e9", "abc", "", String.valueOf(System.currentTimeMillis() / 1000 + 5));
    String query = r.pick(
        sep + "_HLS_msn=" + msn,
        sep + "_HLS_msn=" + msn + "&_HLS_part=" + r.pick("-1", "0", "999999", "x"),
        sep + "_HLS_part=3",
        sep + "_HLS_skip=" + r.pick("YES", "v2", "NO", "yes") + "&_HLS_msn=" + msn,
        sep + "_HLS_msn=1&_HLS_msn=2&_HLS_part=1&_HLS_part=2");
    String file = r.pick("index.m3u8", "media.m3u8", "init-" + r.pick("0", "1", "-1", "99999999999") + ".mp4",
        "seg-" + msn + ".m4s", "part-" + msn + "." + r.pick("0", "-1", "x") + ".m4s", "part-.m4s", "seg-.m4s");
    exchange(r, to, get("/live/" + stream + "/" + file + token + query, to, ""));
  }

  // ---- WebSocket ----------------------------------------------------------------------------------------------

  /** Endpoints that accept a WebSocket: the public demo feed, the live room's feed and events with real tokens. */
  private static String acceptingWsPath(CaseRun r, boolean[] onController) {
    FuzzTarget t = r.target;
    onController[0] = r.rnd.nextBoolean();
    if (onController[0]) return "/rooms/" + t.liveRoomId() + "/events?token=" + t.fuzzMemberToken();
    return r.rnd.nextBoolean() ? "/live/demo/feed" : "/live/" + t.liveRoomId() + "/feed?token=" + t.fuzzMediaToken();
  }

  /** An accepted upgrade to a WebSocket that takes frames, or null when the server refused it. */
  private static Conn acceptedWs(CaseRun r, long budgetMs) throws IOException {
    boolean[] onController = new boolean[1];
    String path = acceptingWsPath(r, onController);
    InetSocketAddress to = onController[0] ? r.target.controllerHttp() : r.target.mediaHttp();
    Conn c = r.open(to, budgetMs);
    c.write(Wire.wsUpgrade(path, r.target.hostHeader(to), Wire.wsKey(r.rnd), ""));
    byte[] head = c.read(1_500, 16_384, "\r\n\r\n");
    r.status(head);
    return Wire.httpStatus(head) == 101 ? c : null;
  }

  private static void wsUpgradeBadKey(CaseRun r) throws IOException {
    boolean[] onController = new boolean[1];
    String path = acceptingWsPath(r, onController);
    InetSocketAddress to = onController[0] ? r.target.controllerHttp() : r.target.mediaHttp();
    String key = r.pick(null, "", "abc", "!!!!not-base64!!!!", "A".repeat(r.between(25, 20_000)), Wire.wsKey(r.rnd) + "=");
    String extra = r.pick("", "Sec-WebSocket-Version: 8\r\n", "Sec-WebSocket-Extensions: " + "x".repeat(5_000) + "\r\n",
        "Sec-WebSocket-Protocol: " + "binary,".repeat(r.between(1, 3_000)) + "\r\n");
    String req = Wire.wsUpgrade(path, r.target.hostHeader(to), key, extra);
    if (r.rnd.nextInt(4) == 0) req = req.replace("Upgrade: websocket\r\n", ""); // no Upgrade header at all
    if (r.rnd.nextInt(4) == 0) req = req.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 99");
    exchange(r, to, req);
  }

  private static void wsBadToken(CaseRun r) throws IOException {
    FuzzTarget t = r.target;
    String bad = r.pick("", "?token=", "?token=garbage", "?token=" + "t".repeat(r.between(100, 30_000)),
        "?token=m1." + t.liveRoomId() + ".x.99999999999.AAAA", "?token=" + t.fuzzMediaToken() + "x",
        "?token=" + t.fuzzMemberToken().substring(1), "?token=%zz", "?token=a&token=b");
    String room = r.pick(t.liveRoomId(), "nope", "..", "%2e%2e", t.throttleRoomId());
    boolean controller = r.rnd.nextBoolean();
    String path = controller ? "/rooms/" + room + r.pick("/events", "/vnc") + bad : "/live/" + room + "/feed" + bad;
    InetSocketAddress to = controller ? t.controllerHttp() : t.mediaHttp();
    byte[] answer = exchange(r, to, Wire.wsUpgrade(path, t.hostHeader(to), Wire.wsKey(r.rnd), "Sec-WebSocket-Protocol: binary\r\n")
        .getBytes(StandardCharsets.ISO_8859_1), SHORT_MS, false);
    if (new String(answer, StandardCharsets.ISO_8859_1).contains("RFB 0")) r.finding("VNC bytes behind a bad token: " + path);
  }

  private static void wsHugeFrame(CaseRun r) throws IOException {
    Conn c = acceptedWs(r, SLOW_MS);
    if (c == null) return;
    long declared = r.pick(Long.MAX_VALUE, 1L << 31, 100L << 20, 1L << 20, 65_537L, -1L);
    byte[] payload = Wire.random(r.rnd, declared == -1 ? r.between(65_537, 2 << 20) : r.between(0, 256 * 1024));
    c.write(Wire.wsFrame(true, 0, r.pick(1, 2), true, payload, declared, r.rnd));
    c.drainUntilClosed(1_000);
  }

  private static void wsFragmentsNeverFinished(CaseRun r) throws IOException {
    Conn c = acceptedWs(r, SLOW_MS);
    if (c == null) return;
    c.write(Wire.wsFrame(false, 0, r.pick(1, 2), true, Wire.random(r.rnd, r.between(1, 4_096)), -1, r.rnd));
    while (c.remainingMs() > 500 && !c.writeFailed && !c.serverClosed) {
      c.write(Wire.wsFrame(false, 0, 0, true, Wire.random(r.rnd, r.between(1, 64_000)), -1, r.rnd));
      c.read(5, 65_536, null);
    }
  }

  private static void wsMaskViolations(CaseRun r) throws IOException {
    Conn c = acceptedWs(r, SHORT_MS);
    if (c == null) return;
    int frames = r.between(1, 50);
    for (int i = 0; i < frames && !c.writeFailed; i++) {
      c.write(Wire.wsFrame(true, 0, r.pick(1, 2, 9), r.rnd.nextInt(3) == 0, Wire.random(r.rnd, r.between(0, 2_000)), -1, r.rnd));
    }
    c.drainUntilClosed(500);
  }

  private static void wsPingFlood(CaseRun r) throws IOException {
    Conn c = acceptedWs(r, SLOW_MS);
    if (c == null) return;
    int pings = r.between(500, 20_000);
    byte[] payload = Wire.random(r.rnd, 125);
    byte[] ping = Wire.wsFrame(true, 0, 9, true, payload, -1, r.rnd);
    byte[] batch = new byte[ping.length * 100];
    for (int i = 0; i < 100; i++) System.arraycopy(ping, 0, batch, i * ping.length, ping.length);
    for (int sent = 0; sent < pings && !c.writeFailed && c.remainingMs() > 300; sent += 100) {
      c.write(batch); // never reading the pongs: they pile up on the server's side
    }
    c.stall(500);
  }

  private static void wsBadOpcodes(CaseRun r) throws IOException {
    Conn c = acceptedWs(r, SHORT_MS);
    if (c == null) return;
    byte[] frame = switch (r.rnd.nextInt(6)) {
      case 0 -> Wire.wsFrame(true, 0, r.pick(3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf), true, Wire.random(r.rnd, 10), -1, r.rnd);
      case 1 -> Wire.wsFrame(true, r.between(1, 7), 1, true, "{}".getBytes(StandardCharsets.UTF_8), -1, r.rnd);
      case 2 -> Wire.wsFrame(true, 0, 9, true, Wire.random(r.rnd, r.between(126, 5_000)), -1, r.rnd); // control > 125
      case 3 -> Wire.wsFrame(false, 0, 8, true, new byte[] {3, (byte) 0xe8}, -1, r.rnd); // fragmented close
      case 4 -> Wire.wsFrame(true, 0, 1, true, new byte[] {(byte) 0xc3, 0x28, (byte) 0xff, (byte) 0xfe}, -1, r.rnd); // not UTF-8
      default -> Wire.wsFrame(true, 0, 8, true, new byte[] {(byte) r.rnd.nextInt(256), (byte) r.rnd.nextInt(256), (byte) 0xff}, -1, r.rnd);
    };
    c.write(frame);
    c.write(Wire.wsFrame(true, 0, 0, true, Wire.random(r.rnd, 20), -1, r.rnd)); // a continuation with nothing to continue
    c.drainUntilClosed(500);
  }

  private static void wsEventsGarbage(CaseRun r) throws IOException {
    FuzzTarget t = r.target;
    InetSocketAddress to = t.controllerHttp();
    Conn c = r.open(to, SLOW_MS);
    c.write(Wire.wsUpgrade("/rooms/" + t.liveRoomId() + "/events?token=" + t.fuzzMemberToken(), t.hostHeader(to), Wire.wsKey(r.rnd), ""));
    byte[] head = c.read(1_500, 65_536, "\r\n\r\n");
    r.status(head);
    if (Wire.httpStatus(head) != 101) return;
    int messages = r.between(10, 500);
    for (int i = 0; i < messages && !c.writeFailed && c.remainingMs() > 500; i++) {
      String text = r.pick(
          new String(Wire.random(r.rnd, r.between(1, 200)), StandardCharsets.ISO_8859_1),
          "{\"type\":\"annotate\",\"id\":\"" + "i".repeat(r.between(1, 100)) + "\",\"tool\":\"pen\",\"color\":\"#ff0000\",\"width\":"
              + r.pick("6", "-1", "1e309", "NaN", "\"6\"") + ",\"points\":[[" + r.pick("0.1,0.2", "1e400,0", "null,null", "") + "]]}",
          "{\"type\":\"" + r.pick("cursor", "cursor-gone", "annotation-clear", "nope", "") + "\",\"x\":" + r.rnd.nextDouble() + ",\"y\":-5}",
          "{\"type\":\"annotate\",\"points\":[" + "[0.5,0.5],".repeat(r.between(1, 3_000)) + "[0,0]]}",
          "[".repeat(r.between(10, 4_000)),
          "{\"type\":\"annotation-clear\",\"all\":true}");
      c.write(Wire.wsMasked(1, text.getBytes(StandardCharsets.UTF_8), r.rnd));
      if (i % 20 == 0) c.read(5, 1 << 20, null); // read a little: the error answers are part of the case
    }
    c.drainUntilClosed(300);
  }

  // ---- Room API -----------------------------------------------------------------------------------------------

  private static byte[] post(String path, String headers, byte[] body) {
    byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + headers + "Content-Length: "
        + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  /** Cases whose body never reaches the passcode check may aim at the live room; the others at the throttle room. */
  private static String joinPath(String roomId) {
    return "/api/rooms/" + roomId + "/join";
  }

  private static void apiJoinHuge(CaseRun r) throws IOException {
    FuzzTarget t = r.target;
    int size = r.pick(16_385, 100_000, 1 << 20, 4 << 20);
    String body = r.pick("{\"passcode\":\"x\",\"name\":\"" + "n".repeat(size) + "\"}", "{\"name\":\"" + "n".repeat(size),
        "[" + "1,".repeat(size / 2) + "1]");
    exchange(r, t.controllerHttp(), post(joinPath(t.throttleRoomId()), "", body.getBytes(StandardCharsets.UTF_8)), SLOW_MS, true);
  }

  private static void apiJoinMalformed(CaseRun r) throws IOException {
    FuzzTarget t = r.target;
    int depth = r.between(100, 10_000);
    byte[] body = r.pick(
        Wire.random(r.rnd, r.between(1, 4_000)),
        "{\"passcode\":".getBytes(StandardCharsets.UTF_8),
        ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.UTF_8),
        ("{\"a\":".repeat(depth) + "1" + "}".repeat(depth)).getBytes(StandardCharsets.UTF_8),
        "{\"passcode\":1e999999,\"name\":[]}".getBytes(StandardCharsets.UTF_8),
        "{\"passcode\":null,\"name\":null}".getBytes(StandardCharsets.UTF_8),
        "{\"unknown\":1}".getBytes(StandardCharsets.UTF_8),
        "{\"passcode\":\"\\ud800\",\"name\":\"\\u0000\"}".getBytes(StandardCharsets.UTF_8),
        new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'},
        "{\"name\":\"a\",\"name\":\"b\",\"passcode\":{}}".getBytes(StandardCharsets.UTF_8),
        new byte[0]);
    String room = r.pick(t.liveRoomId(), t.throttleRoomId(), "nope");
    // Only bodies that cannot parse as a join go to the live room; anything that might reach the hash goes elsewhere.
    boolean parsesAsJoin = body.length > 0 && body[0] == '{' && new String(body, StandardCharsets.UTF_8).contains("passcode\":\"");
    if (parsesAsJoin) room = t.throttleRoomId();
    exchange(r, t.controllerHttp(), post(joinPath(room), "", body), SHORT_MS, true);
  }

  private static void apiJoinWrongPasscode(CaseRun r) throws IOException {
    FuzzTarget t = r.target;
    String passcode = r.pick("wrong-passcode", "", "abc", "p".repeat(r.between(65, 10_000)), "fuzz-pass\u0000", "' OR 1=1 --");
    String name = r.pick("Mallory", "", " ", "\u0007bell", "n".repeat(r.between(101, 2_000)), "\u202e\u202d");
    String body = "{\"passcode\":\"" + passcode + "\",\"name\":\"" + name + "\"}";
    byte[] answer = exchange(r, t.controllerHttp(), post(joinPath(r.pick(t.throttleRoomId(), "nope")), "", body.getBytes(StandardCharsets.UTF_8)),
        SHORT_MS, true);
    if (Wire.httpStatus(answer) == 200) r.finding("join accepted with a wrong passcode");
  }

  private static void apiBadBearer(CaseRun r) throws IOException {
    FuzzTarget t = r.target;
    String room = t.liveRoomId();
    String auth = r.pick("", "Authorization: Bearer\r\n", "Authorization: Bearer " + "t".repeat(r.between(1, 20_000)) + "\r\n",
        "Authorization: Basic YWRtaW46YWRtaW4=\r\n", "Authorization: Bearer " + t.fuzzMemberToken() + "x\r\n",
        "Authorization: Bearer dev-admin-change-me\r\n", "Authorization: bearer \r\n");
    String[] call = r.pick(
        new String[] {"GET", "/api/rooms/" + room},
        new String[] {"GET", "/api/rooms"},
        new String[] {"GET", "/api/rooms/" + room + "/history"},
        new String[] {"POST", "/api/rooms"},
        new String[] {"DELETE", "/api/rooms/" + room},
        new String[] {"POST", "/api/rooms/" + room + "/leave"},
        new String[] {"POST", "/api/rooms/" + room + "/vnc-token"},
        new String[] {"POST", "/api/rooms/" + room + "/control/" + r.pick("request", "release", "give", "take", "nope", "")});
    String body = r.pick("", "{\"memberId\":\"x\"}", "{\"id\":\"fuzz-made\"}");
    String req = call[0] + " " + call[1] + " HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\r\nContent-Length: "
        + body.length() + "\r\nConnection: close\r\n\r\n" + body;
    byte[] answer = exchange(r, t.controllerHttp(), req.getBytes(StandardCharsets.UTF_8), SHORT_MS, true);
    int status = Wire.httpStatus(answer);
    if (status >= 200 && status < 300 && !auth.contains("dev-admin-change-me")) {
      r.finding(call[0] + " " + call[1] + " answered " + status + " to a bad bearer");
    }
  }

  private static void apiOddRoomIds(CaseRun r) throws IOException {
    FuzzTarget t = r.target;
    String id = r.pick("..", "%2e%2e", "a/b", "a%2Fb", "A", "-", "x".repeat(r.between(65, 30_000)), "%00", "room\u00e9",
        "%F0%9F%98%80", "fuzz;drop", "fuzz%20", " ");
    String tail = r.pick("", "/join", "/history", "/vnc-token", "/control/request");
    String method = tail.isEmpty() ? "GET" : "POST";
    String req = method + " /api/rooms/" + id + tail + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
        + "Connection: close\r\n\r\n{}";
    exchange(r, t.controllerHttp(), req.getBytes(StandardCharsets.UTF_8), SHORT_MS, true);
  }

  private static void apiOddMethods(CaseRun r) throws IOException {
    FuzzTarget t = r.target;
    String method = r.pick("PUT", "PATCH", "DELETE", "GET", "HEAD", "OPTIONS");
    String type = r.pick("application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/json; charset=utf-32", "");
    String body = r.pick("{\"passcode\":\"a\",\"name\":\"b\"}", "passcode=a&name=b", "");
    String req = method + " " + joinPath(r.pick(t.throttleRoomId(), "nope")) + " HTTP/1.1\r\nHost: x\r\n"
        + (type.isEmpty() ? "" : "Content-Type: " + type + "\r\n") + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
    exchange(r, t.controllerHttp(), req.getBytes(StandardCharsets.UTF_8), SHORT_MS, true);
  }

  // ---- VNC proxy ----------------------------------------------------------------------------------------------

  /** An upgrade to the VNC proxy with {@code token}; the answer head and what followed it within a moment. */
  private static Conn vncUpgrade(CaseRun r, String token, long budgetMs, StringBuilder seen) throws IOException {
    FuzzTarget t = r.target;
    InetSocketAddress to = t.controllerHttp();
    Conn c = r.open(to, budgetMs);
    String query = token == null ? "" : "?token=" + token;
    c.write(Wire.wsUpgrade("/rooms/" + t.liveRoomId() + "/vnc" + query, t.hostHeader(to), Wire.wsKey(r.rnd),
        "Sec-WebSocket-Protocol: binary\r\n"));
    byte[] got = c.read(1_500, 65_536, "RFB 003.008");
    r.status(got);
    seen.append(new String(got, StandardCharsets.ISO_8859_1));
    return c;
  }

  private static void vncBadToken(CaseRun r) throws IOException {
    String token = r.pick(null, "", "garbage", "t".repeat(r.between(44, 20_000)), r.target.fuzzMemberToken(), r.target.fuzzMediaToken());
    StringBuilder seen = new StringBuilder();
    Conn c = vncUpgrade(r, token, SHORT_MS, seen);
    c.write(Wire.wsMasked(2, "RFB 003.008\n".getBytes(StandardCharsets.ISO_8859_1), r.rnd));
    seen.append(new String(c.read(500, 65_536, null), StandardCharsets.ISO_8859_1));
    if (seen.indexOf("RFB 0") >= 0) r.finding("VNC proxied without a valid VNC token");
  }

  private static void vncGarbageRfb(CaseRun r) throws IOException {
    String token = r.target.vncTokens().get();
    if (token == null) {
      vncTokenMisses.incrementAndGet();
      return;
    }
    StringBuilder seen = new StringBuilder();
    Conn c = vncUpgrade(r, token, SLOW_MS, seen);
    if (r.httpStatus != 101) return;
    if (r.rnd.nextBoolean()) c.write(Wire.wsMasked(2, "RFB 003.008\n".getBytes(StandardCharsets.ISO_8859_1), r.rnd));
    int frames = r.between(1, 100);
    for (int i = 0; i < frames && !c.writeFailed && c.remainingMs() > 500; i++) {
      int size = r.rnd.nextInt(20) == 0 ? r.between(65_536, (1 << 20) + 4_096) : r.between(1, 2_000);
      c.write(Wire.wsMasked(r.rnd.nextInt(10) == 0 ? 1 : 2, Wire.random(r.rnd, size), r.rnd));
      if (i % 10 == 0) c.read(5, 1 << 20, null);
    }
    c.drainUntilClosed(400);
  }

  private static void vncTokenReuse(CaseRun r) throws IOException {
    String token = r.target.vncTokens().get();
    if (token == null) {
      vncTokenMisses.incrementAndGet();
      return;
    }
    StringBuilder first = new StringBuilder();
    vncUpgrade(r, token, SLOW_MS, first);
    StringBuilder second = new StringBuilder();
    Conn again = vncUpgrade(r, token, SHORT_MS, second);
    again.write(Wire.wsMasked(2, "RFB 003.008\n".getBytes(StandardCharsets.ISO_8859_1), r.rnd));
    second.append(new String(again.read(500, 65_536, null), StandardCharsets.ISO_8859_1));
    if (second.indexOf("RFB 0") >= 0) r.finding("a used VNC token opened a second VNC connection");
  }

  private static void vncWsViolations(CaseRun r) throws IOException {
    String token = r.target.vncTokens().get();
    if (token == null) {
      vncTokenMisses.incrementAndGet();
      return;
    }
    StringBuilder seen = new StringBuilder();
    Conn c = vncUpgrade(r, token, SLOW_MS, seen);
    if (r.httpStatus != 101) return;
    byte[] frame = switch (r.rnd.nextInt(4)) {
      case 0 -> Wire.wsFrame(true, 0, 2, false, Wire.random(r.rnd, 100), -1, r.rnd); // unmasked
      case 1 -> Wire.wsFrame(true, 0, 2, true, Wire.random(r.rnd, 1_000), Long.MAX_VALUE, r.rnd); // claims 8 EiB
      case 2 -> Wire.wsFrame(false, 0, 2, true, Wire.random(r.rnd, 60_000), -1, r.rnd); // never finished
      default -> Wire.wsFrame(true, 0, 9, true, Wire.random(r.rnd, 125), -1, r.rnd); // a ping (fine), then garbage
    };
    c.write(frame);
    c.write(Wire.random(r.rnd, r.between(1, 5_000)));
    c.drainUntilClosed(500);
  }
}
