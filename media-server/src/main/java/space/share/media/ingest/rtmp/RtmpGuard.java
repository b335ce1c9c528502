package space.share.media.ingest.rtmp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads what an RTMP peer sends before Red5 does, and stops the peer at the first byte that would make the server
 * hold more than {@link RtmpLimits} allow or that breaks the protocol in a way Red5 handles badly. It keeps only
 * small per-chunk-stream state (length, type, bytes left) and copies only the payloads it must read: Set Chunk
 * Size, Abort, the first command, which must be {@code connect} to the {@code live} application, and every later AMF0
 * command and data message, whose values must be well formed with every array count bounded by the bytes left (Red5
 * sizes its lists and maps from the count before reading an element: a 4-byte count of 2^31 was an
 * OutOfMemoryError on a shared I/O thread, stalling every stream). AMF3, shared-object and aggregate messages, which
 * ffmpeg and OBS never send, are refused after connect.
 *
 * <p>Until that {@code connect} has been read whole and checked, the bytes after the handshake are held back from
 * Red5 ({@link #releasedBytes()} stops at the end of the handshake), so no AMF of an unchecked peer is decoded by
 * Red5. From then on every byte is released as soon as it was read.
 *
 * <pre>
 * C0 ─▶ C1 (1536) ─▶ C2 (1536) ─▶ ┌▶ CHUNK_HEADER ─▶ CHUNK_PAYLOAD ─┐ ─▶ REJECTED (terminal)
 *                                 └───────────────────────────────────┘
 * </pre>
 *
 * <p>Threading: one thread feeds (the session's MINA I/O thread); {@link #allowPublishing()} and
 * {@link #isConnected()} may be called from any thread.
 */
final class RtmpGuard {
  static final int HANDSHAKE_VERSION = 3;
  static final int HANDSHAKE_PACKET_BYTES = 1536;
  static final int INITIAL_CHUNK_BYTES = 128;
  static final String APPLICATION = "live";

  static final int TYPE_SET_CHUNK_SIZE = 1;
  static final int TYPE_ABORT = 2;
  static final int TYPE_DATA_AMF3 = 15;
  static final int TYPE_SHARED_OBJECT_AMF3 = 16;
  static final int TYPE_COMMAND_AMF3 = 17;
  static final int TYPE_DATA_AMF0 = 18;
  static final int TYPE_SHARED_OBJECT_AMF0 = 19;
  static final int TYPE_COMMAND_AMF0 = 20;
  static final int TYPE_AGGREGATE = 22;
  private static final int MAX_AMF_DEPTH = 8;

  private enum State { C0, C1, C2, CHUNK_HEADER, CHUNK_PAYLOAD, REJECTED }

  /** One chunk stream id's last header and the message in progress on it, if any. */
  private static final class ChunkStream {
    int lengthBytes;
    int typeId;
    boolean extendedTimestamp;
    int remainingBytes;
    /** The message in progress spans chunks: it counts against {@code maxPartialMessages}. */
    boolean partial;
    /** The payload being read, for the few message types whose payload is checked; else null. */
    byte[] payload;
  }

  private final RtmpLimits limits;
  private final Map<Integer, ChunkStream> chunkStreams = new HashMap<>();
  private State state = State.C0;
  private String rejection;
  private long consumedBytes;
  private long releasedBytes;
  private int handshakeBytesLeft;
  private int chunkBytes = INITIAL_CHUNK_BYTES;
  private int partialMessages;

  // The chunk being read.
  private final byte[] header = new byte[3 + 11 + 4];
  private int headerFill;
  private ChunkStream chunkStream;
  private int chunkPayloadLeft;

  private volatile boolean connected;
  private volatile boolean publishing;

  RtmpGuard(RtmpLimits limits) {
    this.limits = limits;
  }

  /**
   * Reads all of {@code bytes}. Returns false once the peer broke a rule ({@link #rejection()} says which); from
   * then on every call returns false and reads nothing.
   */
  boolean feed(ByteBuffer bytes) {
    if (state == State.REJECTED) {
      return false;
    }
    try {
      while (bytes.hasRemaining()) {
        switch (state) {
          case C0 -> readVersion(bytes.get() & 0xFF);
          case C1, C2 -> skipHandshake(bytes);
          case CHUNK_HEADER -> readHeaderByte(bytes.get());
          case CHUNK_PAYLOAD -> readPayload(bytes);
          case REJECTED -> throw new IllegalStateException("unreachable");
        }
      }
      if (connected) {
        releasedBytes = consumedBytes;
      } else if (consumedBytes - releasedBytes > limits.maxMessageBytesBeforePublish()) {
        throw new Violation(String.format("%d bytes sent without a complete connect (limit %d)",
            consumedBytes - releasedBytes, limits.maxMessageBytesBeforePublish()));
      }
      return true;
    } catch (Violation e) {
      state = State.REJECTED;
      rejection = e.getMessage();
      chunkStreams.clear();
      return false;
    }
  }

  /** Why the peer was rejected, or null. */
  String rejection() {
    return rejection;
  }

  /** Bytes read so far. */
  long consumedBytes() {
    return consumedBytes;
  }

  /** Of the bytes read, how many may go on to Red5: the handshake always, the rest once the connect was checked. */
  long releasedBytes() {
    return releasedBytes;
  }

  /** Whether the handshake is done and a connect to {@value #APPLICATION} was read. */
  boolean isConnected() {
    return connected;
  }

  /** The peer may publish (its stream key was accepted): its messages may be up to {@code maxMessageBytes}. */
  void allowPublishing() {
    publishing = true;
  }

  private void readVersion(int version) throws Violation {
    consumedBytes++;
    releasedBytes = consumedBytes;
    if (version != HANDSHAKE_VERSION) {
      // RTMPE (6) and others are not served; random bytes land here too.
      throw new Violation("C0 version " + version + ", not " + HANDSHAKE_VERSION + " (RTMP 5.2.2)");
    }
    state = State.C1;
    handshakeBytesLeft = HANDSHAKE_PACKET_BYTES;
  }

  private void skipHandshake(ByteBuffer bytes) {
    int n = Math.min(handshakeBytesLeft, bytes.remaining());
    bytes.position(bytes.position() + n);
    handshakeBytesLeft -= n;
    consumedBytes += n;
    releasedBytes = consumedBytes;
    if (handshakeBytesLeft == 0) {
      if (state == State.C1) {
        state = State.C2;
        handshakeBytesLeft = HANDSHAKE_PACKET_BYTES;
      } else {
        state = State.CHUNK_HEADER;
        headerFill = 0;
      }
    }
  }

  private void readHeaderByte(byte b) throws Violation {
    consumedBytes++;
    header[headerFill++] = b;
    int format = (header[0] & 0xFF) >>> 6;
    int low = header[0] & 0x3F;
    int basicBytes = low == 0 ? 2 : low == 1 ? 3 : 1;
    if (headerFill < basicBytes) {
      return;
    }
    int messageHeaderBytes = switch (format) {
      case 0 -> 11;
      case 1 -> 7;
      case 2 -> 3;
      default -> 0;
    };
    if (headerFill == basicBytes) {
      int chunkStreamId = low == 0 ? 64 + (header[1] & 0xFF)
          : low == 1 ? 64 + (header[1] & 0xFF) + ((header[2] & 0xFF) << 8) : low;
      chunkStream = chunkStream(chunkStreamId, format);
    }
    int fixedBytes = basicBytes + messageHeaderBytes;
    if (headerFill < fixedBytes) {
      return;
    }
    boolean extended = format == 3 ? chunkStream.extendedTimestamp : u24(header, basicBytes) == 0xFFFFFF;
    if (headerFill < fixedBytes + (extended ? 4 : 0)) {
      return;
    }
    startChunk(format, basicBytes, extended);
  }

  private ChunkStream chunkStream(int chunkStreamId, int format) throws Violation {
    ChunkStream stream = chunkStreams.get(chunkStreamId);
    if (stream == null) {
      if (format != 0) {
        throw new Violation("chunk stream " + chunkStreamId + " starts with a type " + format
            + " chunk (RTMP 5.3.1.2: the first chunk of a chunk stream is type 0)");
      }
      if (chunkStreams.size() >= limits.maxChunkStreams()) {
        throw new Violation("more than " + limits.maxChunkStreams() + " chunk stream ids");
      }
      stream = new ChunkStream();
      chunkStreams.put(chunkStreamId, stream);
    }
    return stream;
  }

  private void startChunk(int format, int basicBytes, boolean extended) throws Violation {
    ChunkStream stream = chunkStream;
    boolean inMessage = stream.remainingBytes > 0;
    if (format != 3 && inMessage) {
      throw new Violation("a type " + format + " chunk inside an unfinished message"
          + " (RTMP 5.3.1.2.4: the rest of a message comes in type 3 chunks)");
    }
    if (format != 3) {
      stream.extendedTimestamp = extended;
    }
    if (format <= 1) {
      stream.lengthBytes = u24(header, basicBytes + 3);
      stream.typeId = header[basicBytes + 6] & 0xFF;
    }
    if (!inMessage) {
      startMessage(stream);
    }
    headerFill = 0;
    chunkPayloadLeft = Math.min(stream.remainingBytes, chunkBytes);
    if (chunkPayloadLeft == 0) {
      endMessage(stream); // an empty message
    } else {
      state = State.CHUNK_PAYLOAD;
    }
  }

  private void startMessage(ChunkStream stream) throws Violation {
    int type = stream.typeId;
    int length = stream.lengthBytes;
    boolean beforePublish = !publishing;
    int maxBytes = beforePublish ? limits.maxMessageBytesBeforePublish() : limits.maxMessageBytes();
    if (length > maxBytes) {
      throw new Violation("a message of " + length + " bytes (type " + type + "), over the limit of " + maxBytes
          + (beforePublish ? " before publishing" : ""));
    }
    if ((type == TYPE_SET_CHUNK_SIZE || type == TYPE_ABORT) && length != 4) {
      throw new Violation("a type " + type + " message of " + length + " bytes, not 4 (RTMP 5.4.1, 5.4.2)");
    }
    if (!connected && !(type >= 1 && type <= 6) && type != TYPE_COMMAND_AMF0 && type != TYPE_COMMAND_AMF3) {
      throw new Violation("a type " + type + " message before connect (RTMP 7.2.1.1: connect comes first)");
    }
    // A message that fits in one chunk is never left unfinished while another chunk is read.
    stream.partial = length > chunkBytes;
    if (stream.partial) {
      if (partialMessages >= limits.maxPartialMessages()) {
        throw new Violation("more than " + limits.maxPartialMessages() + " unfinished messages at once");
      }
      partialMessages++;
    }
    stream.remainingBytes = length;
    if (connected && (type == TYPE_DATA_AMF3 || type == TYPE_SHARED_OBJECT_AMF3 || type == TYPE_COMMAND_AMF3
        || type == TYPE_SHARED_OBJECT_AMF0 || type == TYPE_AGGREGATE)) {
      throw new Violation("a type " + type + " message (AMF3, shared object or aggregate: RTMP 7.1; publishers send"
          + " AMF0 commands and data only)");
    }
    boolean checked = type == TYPE_SET_CHUNK_SIZE || type == TYPE_ABORT || type == TYPE_COMMAND_AMF0
        || type == TYPE_DATA_AMF0 || (!connected && type == TYPE_COMMAND_AMF3);
    stream.payload = checked ? new byte[length] : null;
  }

  private void readPayload(ByteBuffer bytes) throws Violation {
    ChunkStream stream = chunkStream;
    int n = Math.min(chunkPayloadLeft, bytes.remaining());
    if (stream.payload != null) {
      bytes.get(stream.payload, stream.lengthBytes - stream.remainingBytes, n);
    } else {
      bytes.position(bytes.position() + n);
    }
    consumedBytes += n;
    chunkPayloadLeft -= n;
    stream.remainingBytes -= n;
    if (chunkPayloadLeft == 0) {
      state = State.CHUNK_HEADER;
      if (stream.remainingBytes == 0) {
        endMessage(stream);
      }
    }
  }

  private void endMessage(ChunkStream stream) throws Violation {
    state = State.CHUNK_HEADER;
    if (stream.partial) {
      stream.partial = false;
      partialMessages--;
    }
    byte[] payload = stream.payload;
    stream.payload = null;
    switch (stream.typeId) {
      case TYPE_SET_CHUNK_SIZE -> {
        int size = ByteBuffer.wrap(payload).getInt();
        if (size < 1 || size > limits.maxChunkBytes()) {
          throw new Violation("Set Chunk Size " + Integer.toUnsignedLong(size) + ", outside 1.."
              + limits.maxChunkBytes() + " (RTMP 5.4.1 allows 1..2^31-1; this server's limit is lower)");
        }
        chunkBytes = size;
      }
      case TYPE_ABORT -> {
        // Red5 drops the aborted message's buffer too.
        ChunkStream aborted = chunkStreams.get(ByteBuffer.wrap(payload).getInt());
        if (aborted != null && aborted.remainingBytes > 0) {
          aborted.remainingBytes = 0;
          aborted.payload = null;
          if (aborted.partial) {
            aborted.partial = false;
            partialMessages--;
          }
        }
      }
      case TYPE_COMMAND_AMF0, TYPE_COMMAND_AMF3, TYPE_DATA_AMF0 -> {
        if (connected) {
          checkValues(payload, stream.typeId);
        } else if (stream.typeId != TYPE_DATA_AMF0) {
          checkConnect(payload, stream.typeId == TYPE_COMMAND_AMF3 ? 1 : 0);
          connected = true;
        }
      }
      default -> { }
    }
  }

  /** A command or data message after connect: a sequence of well-formed AMF0 values, nothing left over. */
  private static void checkValues(byte[] payload, int type) throws Violation {
    Amf0 amf = new Amf0(payload, 0, type == TYPE_DATA_AMF0 ? "data message" : "command");
    while (amf.remaining() > 0) {
      amf.skipValue(0);
    }
  }

  /** The first command must be {@code connect} whose command object names the {@value #APPLICATION} app. */
  private static void checkConnect(byte[] payload, int offset) throws Violation {
    Amf0 amf = new Amf0(payload, offset, "connect");
    String name = amf.readString();
    if (!"connect".equals(name)) {
      throw new Violation("command '" + printable(name) + "' before connect (RTMP 7.2.1.1: connect comes first)");
    }
    amf.expectMarker(Amf0.NUMBER);
    amf.skip(8); // transaction id
    int marker = amf.u8();
    if (marker != Amf0.OBJECT && marker != Amf0.ECMA_ARRAY) {
      throw new Violation("connect without a command object (RTMP 7.2.1.1)");
    }
    if (marker == Amf0.ECMA_ARRAY) {
      amf.skip(4);
    }
    String app = null;
    while (true) {
      String key = amf.readUtf8(amf.u16());
      if (key.isEmpty()) {
        amf.expectMarker(Amf0.OBJECT_END);
        break;
      }
      if (key.equals("app") && amf.peek() == Amf0.STRING) {
        amf.u8();
        app = amf.readUtf8(amf.u16());
      } else {
        amf.skipValue(0);
      }
    }
    if (app == null) {
      throw new Violation("connect without an app name (RTMP 7.2.1.1)");
    }
    String bare = app;
    int query = bare.indexOf('?');
    bare = query >= 0 ? bare.substring(0, query) : bare;
    bare = bare.endsWith("/") ? bare.substring(0, bare.length() - 1) : bare;
    if (!APPLICATION.equals(bare)) {
      throw new Violation("connect to application '" + printable(app) + "'; only '" + APPLICATION + "' is served");
    }
  }

  private static String printable(String text) {
    String cut = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    return cut.replaceAll("[^\\x20-\\x7E]", "?");
  }

  private static int u24(byte[] bytes, int at) {
    return (bytes[at] & 0xFF) << 16 | (bytes[at + 1] & 0xFF) << 8 | (bytes[at + 2] & 0xFF);
  }

  /** A peer broke a rule; the message names it. */
  static final class Violation extends Exception {
    Violation(String message) {
      super(message, null, false, false);
    }
  }

  /** A cursor over an AMF0 payload whose every read is bounds-checked (AMF0 spec, section 2). */
  private static final class Amf0 {
    static final int NUMBER = 0x00;
    static final int BOOLEAN = 0x01;
    static final int STRING = 0x02;
    static final int OBJECT = 0x03;
    static final int NULL = 0x05;
    static final int UNDEFINED = 0x06;
    static final int REFERENCE = 0x07;
    static final int ECMA_ARRAY = 0x08;
    static final int OBJECT_END = 0x09;
    static final int STRICT_ARRAY = 0x0A;
    static final int DATE = 0x0B;
    static final int LONG_STRING = 0x0C;
    static final int TYPED_OBJECT = 0x10;

    private final byte[] bytes;
    private final String what;
    private int position;

    /** @param what the message being read, for violations ("connect", "command", "data message") */
    Amf0(byte[] bytes, int offset, String what) {
      this.bytes = bytes;
      this.position = offset;
      this.what = what;
    }

    int remaining() {
      return bytes.length - position;
    }

    /** An element count: each element takes at least {@code minElementBytes}, so the count cannot pass the rest. */
    long count(int minElementBytes) throws Violation {
      long count = u32();
      if (count * minElementBytes > remaining()) {
        throw new Violation(what + ": an AMF0 array claims " + count + " elements in " + remaining()
            + " bytes (AMF0 2.10, 2.12)");
      }
      return count;
    }

    int peek() throws Violation {
      need(1);
      return bytes[position] & 0xFF;
    }

    int u8() throws Violation {
      need(1);
      return bytes[position++] & 0xFF;
    }

    int u16() throws Violation {
      return u8() << 8 | u8();
    }

    long u32() throws Violation {
      return (long) u16() << 16 | u16();
    }

    void skip(long n) throws Violation {
      need(n);
      position += (int) n;
    }

    void expectMarker(int marker) throws Violation {
      int found = u8();
      if (found != marker) {
        throw new Violation(what + ": AMF0 marker " + found + " where " + marker + " belongs (AMF0 2.1)");
      }
    }

    String readString() throws Violation {
      expectMarker(STRING);
      return readUtf8(u16());
    }

    String readUtf8(int length) throws Violation {
      need(length);
      String text = new String(bytes, position, length, StandardCharsets.UTF_8);
      position += length;
      return text;
    }

    void skipValue(int depth) throws Violation {
      if (depth > MAX_AMF_DEPTH) {
        throw new Violation(what + ": AMF0 values nested deeper than " + MAX_AMF_DEPTH);
      }
      int marker = u8();
      switch (marker) {
        case NUMBER -> skip(8);
        case BOOLEAN -> skip(1);
        case STRING -> skip(u16());
        case NULL, UNDEFINED -> { }
        case REFERENCE -> skip(2);
        case DATE -> skip(10);
        case LONG_STRING -> skip(u32());
        case OBJECT -> skipProperties(depth);
        case TYPED_OBJECT -> {
          skip(u16());
          skipProperties(depth);
        }
        case ECMA_ARRAY -> {
          count(/* minElementBytes= */ 3); // a key's length (2) and a value's marker (1)
          skipProperties(depth);
        }
        case STRICT_ARRAY -> {
          long count = count(/* minElementBytes= */ 1);
          for (long i = 0; i < count; i++) {
            skipValue(depth + 1);
          }
        }
        default -> throw new Violation(what + ": AMF0 marker " + marker + " is not supported (AMF0 2.1)");
      }
    }

    private void skipProperties(int depth) throws Violation {
      while (true) {
        int keyLength = u16();
        skip(keyLength);
        if (keyLength == 0) {
          expectMarker(OBJECT_END);
          return;
        }
        skipValue(depth + 1);
      }
    }

    private void need(long n) throws Violation {
      if (n > bytes.length - position) {
        throw new Violation(what + ": AMF0 value runs past the end of the message (AMF0 2.1)");
      }
    }
  }
}
