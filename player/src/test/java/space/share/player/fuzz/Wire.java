package space.share.player.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Byte builders for the fuzz cases: RTMP chunks and AMF0 (RTMP 1.0 spec §5.3, AMF0 spec), WebSocket frames
 * (RFC 6455 §5.2) with every field settable, wrong ones included. Test-only and independent of the servers' code.
 */
final class Wire {
  private Wire() {}

  static final int RTMP_HANDSHAKE_BYTES = 1536;

  // ---- RTMP ---------------------------------------------------------------------------------------------------

  /** C0 + C1 of the simple handshake: version 3, time 0, zero 0, 1528 random bytes. */
  static byte[] rtmpC0C1(Random rnd) {
    byte[] c = new byte[1 + RTMP_HANDSHAKE_BYTES];
    c[0] = 3;
    byte[] random = new byte[RTMP_HANDSHAKE_BYTES - 8];
    rnd.nextBytes(random);
    System.arraycopy(random, 0, c, 9, random.length);
    return c;
  }

  /**
   * One chunk: basic header (fmt 2 bits + chunk stream id in 1, 2 or 3 bytes, §5.3.1.1), message header of type
   * {@code fmt} (11, 7, 3 or 0 bytes, §5.3.1.2), the extended timestamp when {@code timestamp >= 0xFFFFFF}, then
   * {@code payload} as is (the caller decides whether it fits the chunk size).
   */
  static byte[] rtmpChunk(int fmt, int csid, long timestamp, int messageLength, int typeId, int streamId,
      byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (csid < 64) {
      out.write((fmt << 6) | csid);
    } else if (csid < 320) {
      out.write(fmt << 6);
      out.write(csid - 64);
    } else {
      out.write((fmt << 6) | 1);
      out.write((csid - 64) & 0xff);
      out.write((csid - 64) >>> 8);
    }
    boolean extended = timestamp >= 0xFFFFFF;
    int ts24 = extended ? 0xFFFFFF : (int) timestamp;
    if (fmt <= 2) put24(out, ts24);
    if (fmt <= 1) {
      put24(out, messageLength);
      out.write(typeId);
    }
    if (fmt == 0) { // message stream id: little-endian, the one LE field of RTMP
      out.write(streamId);
      out.write(streamId >>> 8);
      out.write(streamId >>> 16);
      out.write(streamId >>> 24);
    }
    if (extended) {
      out.write((int) (timestamp >>> 24));
      out.write((int) (timestamp >>> 16));
      out.write((int) (timestamp >>> 8));
      out.write((int) timestamp);
    }
    out.writeBytes(payload);
    return out.toByteArray();
  }

  /** A whole message on one chunk (fmt 0): the caller set a chunk size large enough, or wants it not to fit. */
  static byte[] rtmpMessage(int csid, int typeId, int streamId, byte[] body) {
    return rtmpChunk(0, csid, 0, body.length, typeId, streamId, body);
  }

  /** Set Chunk Size (type 1, §5.4.1): 31 bits meant, all 32 sent as given. */
  static byte[] rtmpSetChunkSize(long size) {
    return rtmpMessage(2, 1, 0, ByteBuffer.allocate(4).putInt((int) size).array());
  }

  private static void put24(ByteArrayOutputStream out, int v) {
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }

  /** AMF0 values: String, Double (Number), Boolean, null, Map (Object) in insertion order. */
  static byte[] amf0(Object... values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object v : values) amf0Value(out, v);
    return out.toByteArray();
  }

  private static void amf0Value(ByteArrayOutputStream out, Object v) {
    if (v == null) {
      out.write(0x05);
    } else if (v instanceof Number n) {
      out.write(0x00);
      out.writeBytes(ByteBuffer.allocate(8).putDouble(n.doubleValue()).array());
    } else if (v instanceof Boolean b) {
      out.write(0x01);
      out.write(b ? 1 : 0);
    } else if (v instanceof String s) {
      out.write(0x02);
      amf0Utf8(out, s);
    } else if (v instanceof Map<?, ?> m) {
      out.write(0x03);
      m.forEach((k, value) -> {
        amf0Utf8(out, (String) k);
        amf0Value(out, value);
      });
      out.writeBytes(new byte[] {0, 0, 0x09});
    } else if (v instanceof byte[] raw) {
      out.writeBytes(raw); // already encoded (or garbage on purpose)
    } else {
      throw new IllegalArgumentException(v.getClass().toString());
    }
  }

  private static void amf0Utf8(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write(b.length >>> 8);
    out.write(b.length);
    out.writeBytes(b);
  }

  static Map<String, Object> connectObject(String app, String tcUrl) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("app", app);
    o.put("type", "nonprivate");
    o.put("flashVer", "FMLE/3.0 (compatible; share-space-fuzz)");
    o.put("tcUrl", tcUrl);
    return o;
  }

  // ---- WebSocket ----------------------------------------------------------------------------------------------

  /**
   * One frame with every field as given: {@code lengthOverride} >= 0 declares that payload length instead of the
   * real one (a frame that claims more than is sent); {@code masked} false breaks §5.1 for a client.
   */
  static byte[] wsFrame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload, long lengthOverride,
      Random rnd) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write((fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f));
    long len = lengthOverride >= 0 ? lengthOverride : payload.length;
    int maskBit = masked ? 0x80 : 0;
    if (len < 126) {
      out.write(maskBit | (int) len);
    } else if (len <= 0xffff) {
      out.write(maskBit | 126);
      out.write((int) (len >>> 8));
      out.write((int) len);
    } else {
      out.write(maskBit | 127);
      out.writeBytes(ByteBuffer.allocate(8).putLong(len).array());
    }
    if (masked) {
      byte[] key = new byte[4];
      rnd.nextBytes(key);
      out.writeBytes(key);
      byte[] m = payload.clone();
      for (int i = 0; i < m.length; i++) m[i] ^= key[i & 3];
      out.writeBytes(m);
    } else {
      out.writeBytes(payload);
    }
    return out.toByteArray();
  }

  static byte[] wsMasked(int opcode, byte[] payload, Random rnd) {
    return wsFrame(true, 0, opcode, true, payload, -1, rnd);
  }

  static String wsKey(Random rnd) {
    byte[] k = new byte[16];
    rnd.nextBytes(k);
    return Base64.getEncoder().encodeToString(k);
  }

  /** An HTTP/1.1 upgrade request; {@code extraHeaders} are raw lines ending in CRLF. */
  static String wsUpgrade(String path, String host, String key, String extraHeaders) {
    return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + (key == null ? "" : "Sec-WebSocket-Key: " + key + "\r\n") + "Sec-WebSocket-Version: 13\r\n"
        + extraHeaders + "\r\n";
  }

  // ---- misc ---------------------------------------------------------------------------------------------------

  static byte[] random(Random rnd, int length) {
    byte[] b = new byte[length];
    rnd.nextBytes(b);
    return b;
  }

  /** The status code of an HTTP answer's first line, or -1. */
  static int httpStatus(byte[] answer) {
    if (answer.length < 12) return -1;
    String head = new String(answer, 0, Math.min(answer.length, 16), StandardCharsets.ISO_8859_1);
    if (!head.startsWith("HTTP/1.")) return -1;
    try {
      return Integer.parseInt(head.substring(9, 12));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
