package space.share.media.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes what an RTMP client sends, byte for byte, for tests that play a (mis)behaving peer: the handshake, chunk
 * headers of any format, messages split into chunks, and AMF0 commands. Shares no code with the server's reader.
 */
public final class RtmpBytes {
  public static final int HANDSHAKE_BYTES = 1 + 1536 + 1536;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private int chunkBytes = 128;

  /** C0 (version 3), C1 and C2 of zeros: Red5 takes it as the simple handshake, as from librtmp. */
  public static RtmpBytes handshake() {
    return new RtmpBytes().raw(3).raw(new byte[1536]).raw(new byte[1536]);
  }

  public static RtmpBytes empty() {
    return new RtmpBytes();
  }

  public RtmpBytes raw(int... bytes) {
    for (int b : bytes) {
      out.write(b);
    }
    return this;
  }

  public RtmpBytes raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  /** A chunk header: basic header (1-3 bytes by csid) and the message header of {@code format}. */
  public RtmpBytes header(int format, int chunkStreamId, int timestamp, int lengthBytes, int typeId, int streamId) {
    if (chunkStreamId < 64) {
      out.write(format << 6 | chunkStreamId);
    } else if (chunkStreamId < 320) {
      out.write(format << 6);
      out.write(chunkStreamId - 64);
    } else {
      out.write(format << 6 | 1);
      out.write((chunkStreamId - 64) & 0xFF);
      out.write((chunkStreamId - 64) >> 8);
    }
    if (format <= 2) {
      u24(Math.min(timestamp, 0xFFFFFF));
    }
    if (format <= 1) {
      u24(lengthBytes);
      out.write(typeId);
    }
    if (format == 0) {
      // message stream id: little-endian (RTMP 5.3.1.2.1)
      out.write(streamId);
      out.write(streamId >> 8);
      out.write(streamId >> 16);
      out.write(streamId >> 24);
    }
    if (format <= 2 && timestamp >= 0xFFFFFF) {
      out.writeBytes(ByteBuffer.allocate(4).putInt(timestamp).array());
    }
    return this;
  }

  /** A whole message: a type 0 chunk, then type 3 chunks of the current chunk size. */
  public RtmpBytes message(int chunkStreamId, int typeId, int streamId, byte[] payload) {
    return message(chunkStreamId, typeId, streamId, 0, payload);
  }

  public RtmpBytes message(int chunkStreamId, int typeId, int streamId, int timestamp, byte[] payload) {
    header(0, chunkStreamId, timestamp, payload.length, typeId, streamId);
    for (int at = 0; at < payload.length; at += chunkBytes) {
      if (at > 0) {
        header(3, chunkStreamId, 0, 0, 0, 0);
        if (timestamp >= 0xFFFFFF) {
          out.writeBytes(ByteBuffer.allocate(4).putInt(timestamp).array());
        }
      }
      out.write(payload, at, Math.min(chunkBytes, payload.length - at));
    }
    return this;
  }

  /** Set Chunk Size on chunk stream 2; later messages are chunked at {@code size} when it is usable. */
  public RtmpBytes setChunkSize(int size) {
    message(2, 1, 0, ByteBuffer.allocate(4).putInt(size).array());
    if (size > 0 && size <= 1 << 20) {
      chunkBytes = size;
    }
    return this;
  }

  /** Chunks later messages at {@code size} without sending Set Chunk Size (the peer sent it earlier). */
  public RtmpBytes setChunkSizeSilently(int size) {
    chunkBytes = size;
    return this;
  }

  public RtmpBytes connect(String app) {
    return message(3, 20, 0, Amf0.connect(app));
  }

  public byte[] bytes() {
    return out.toByteArray();
  }

  private void u24(int value) {
    out.write(value >> 16);
    out.write(value >> 8);
    out.write(value);
  }

  /** AMF0 values (AMF0 spec, section 2). */
  public static final class Amf0 {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** What ffmpeg sends to publish: connect(txn 1, {app, type, flashVer, tcUrl}). */
    public static byte[] connect(String app) {
      return new Amf0().string("connect").number(1).objectStart()
          .key("app").string(app)
          .key("type").string("nonprivate")
          .key("flashVer").string("FMLE/3.0 (compatible; Lavf61.1.100)")
          .key("tcUrl").string("rtmp://127.0.0.1:1935/" + app)
          .objectEnd().bytes();
    }

    public Amf0 string(String value) {
      byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
      out.write(0x02);
      out.write(utf8.length >> 8);
      out.write(utf8.length);
      out.writeBytes(utf8);
      return this;
    }

    public Amf0 number(double value) {
      out.write(0x00);
      out.writeBytes(ByteBuffer.allocate(8).putDouble(value).array());
      return this;
    }

    public Amf0 nul() {
      out.write(0x05);
      return this;
    }

    public Amf0 objectStart() {
      out.write(0x03);
      return this;
    }

    public Amf0 key(String key) {
      byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
      out.write(utf8.length >> 8);
      out.write(utf8.length);
      out.writeBytes(utf8);
      return this;
    }

    /** A marker and a 4-byte count with no elements behind it (strict array 0x0A, ECMA array 0x08). */
    public Amf0 arrayClaim(int marker, int count) {
      out.write(marker);
      out.writeBytes(ByteBuffer.allocate(4).putInt(count).array());
      return this;
    }

    public Amf0 objectEnd() {
      out.writeBytes(new byte[] {0, 0, 0x09});
      return this;
    }

    public byte[] bytes() {
      return out.toByteArray();
    }
  }
}
