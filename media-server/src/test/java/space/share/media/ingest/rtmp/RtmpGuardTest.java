package space.share.media.ingest.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import space.share.media.testing.RtmpBytes;
import space.share.media.testing.RtmpBytes.Amf0;

class RtmpGuardTest {
  private static final RtmpLimits LIMITS = RtmpLimits.DEFAULTS;
  private static final int VIDEO = 9;
  private static final int AUDIO = 8;

  private static boolean feedAll(RtmpGuard guard, byte[] bytes) {
    return guard.feed(ByteBuffer.wrap(bytes));
  }

  /** What ffmpeg sends up to its first keyframe, then a 1 MB keyframe interleaved with audio. */
  private static RtmpBytes publisherSession() {
    RtmpBytes session = RtmpBytes.handshake().setChunkSize(4096).connect("live")
        .message(3, 20, 0, new Amf0().string("releaseStream").number(2).nul().string("key").bytes())
        .message(3, 20, 0, new Amf0().string("createStream").number(4).nul().bytes())
        .message(8, 20, 1, new Amf0().string("publish").number(5).nul().string("key").string("live").bytes());
    return session;
  }

  @Test
  void feed_publisherSession_acceptsEveryByteAndReleasesAll() {
    RtmpGuard guard = new RtmpGuard(LIMITS);
    byte[] setup = publisherSession().bytes();
    assertTrue(feedAll(guard, setup), () -> guard.rejection());
    assertTrue(guard.isConnected());
    assertEquals(setup.length, guard.releasedBytes());

    guard.allowPublishing();
    byte[] keyframe = new byte[1_000_000];
    byte[] media = RtmpBytes.empty().setChunkSizeSilently(4096)
        .header(0, 6, 0, keyframe.length, VIDEO, 1).raw(Arrays.copyOf(keyframe, 4096))
        .message(4, AUDIO, 1, new byte[300])
        .header(3, 6, 0, 0, 0, 0).raw(Arrays.copyOf(keyframe, 4096))
        .message(4, AUDIO, 1, new byte[300])
        .bytes();
    assertTrue(feedAll(guard, media), () -> guard.rejection());
    assertEquals(setup.length + media.length, guard.releasedBytes());
  }

  @Test
  void feed_oneByteAtATime_sameVerdictAsWhole() {
    RtmpGuard guard = new RtmpGuard(LIMITS);
    byte[] setup = publisherSession().message(5, VIDEO, 1, new byte[5000]).bytes();
    guard.allowPublishing();
    for (byte b : setup) {
      assertTrue(guard.feed(ByteBuffer.wrap(new byte[] {b})), () -> guard.rejection());
    }
    assertEquals(setup.length, guard.releasedBytes());
  }

  @Test
  void feed_beforeConnectIsWhole_releasesOnlyTheHandshake() {
    RtmpGuard guard = new RtmpGuard(LIMITS);
    byte[] connect = RtmpBytes.handshake().setChunkSize(4096).connect("live").bytes();
    assertTrue(feedAll(guard, Arrays.copyOf(connect, connect.length - 1)));
    assertEquals(RtmpBytes.HANDSHAKE_BYTES, guard.releasedBytes());
    assertFalse(guard.isConnected());

    assertTrue(guard.feed(ByteBuffer.wrap(connect, connect.length - 1, 1)));
    assertTrue(guard.isConnected());
    assertEquals(connect.length, guard.releasedBytes());
  }

  @Test
  void feed_applicationWithSlashOrQuery_isLive() {
    for (String app : new String[] {"live/", "live?token=1"}) {
      RtmpGuard guard = new RtmpGuard(LIMITS);
      assertTrue(feedAll(guard, RtmpBytes.handshake().connect(app).bytes()), () -> guard.rejection());
      assertTrue(guard.isConnected());
    }
  }

  @Test
  void feed_longChunkStreamIdsAndExtendedTimestamps_areRead() {
    RtmpGuard guard = new RtmpGuard(LIMITS);
    guard.allowPublishing();
    byte[] bytes = publisherSession()
        .message(100, VIDEO, 1, 0x01000000, new byte[10_000]) // 2-byte basic header, extended timestamp
        .message(1000, AUDIO, 1, 0x01000000, new byte[9_000]) // 3-byte basic header
        .bytes();
    assertTrue(feedAll(guard, bytes), () -> guard.rejection());
    assertEquals(bytes.length, guard.releasedBytes());
  }

  @Test
  void feed_abortedMessage_freesItsPartialSlot() {
    RtmpLimits onePartial = new RtmpLimits(8, 8, 5000, 65536, 1 << 20, 65536, 32, 1, 60_000);
    RtmpGuard guard = new RtmpGuard(onePartial);
    guard.allowPublishing();
    RtmpBytes bytes = publisherSession().header(0, 6, 0, 10_000, VIDEO, 1).raw(new byte[4096])
        .message(2, 2, 0, ByteBuffer.allocate(4).putInt(6).array()); // Abort (RTMP 5.4.2) chunk stream 6
    assertTrue(feedAll(guard, bytes.bytes()), () -> guard.rejection());
    assertTrue(feedAll(guard, RtmpBytes.empty().setChunkSizeSilently(4096).message(4, AUDIO, 1, new byte[5000])
        .bytes()), () -> guard.rejection());
  }

  @Test
  void feed_afterRejection_staysRejectedAndReleasesNothingMore() {
    RtmpGuard guard = new RtmpGuard(LIMITS);
    assertFalse(feedAll(guard, RtmpBytes.handshake().setChunkSize(0).bytes()));
    long released = guard.releasedBytes();
    assertFalse(feedAll(guard, RtmpBytes.empty().connect("live").bytes()));
    assertEquals(released, guard.releasedBytes());
    assertFalse(guard.isConnected());
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        bad("RTMP 5.2.2: C0 is version 3 (RTMPE's 6 is not served)", "C0 version 6",
            () -> RtmpBytes.empty().raw(6).raw(new byte[3072])),
        bad("RTMP 5.2.2: C0 is version 3 (an HTTP request sent to the RTMP port)", "C0 version 71",
            () -> RtmpBytes.empty().raw("GET / HTTP/1.1\r\n\r\n".getBytes())),
        bad("RTMP 5.4.1: chunk size is at least 1", "Set Chunk Size 0,",
            () -> RtmpBytes.handshake().setChunkSize(0)),
        bad("RTMP 5.4.1: bit 31 of the chunk size is 0", "Set Chunk Size 2147483648,",
            () -> RtmpBytes.handshake().setChunkSize(Integer.MIN_VALUE)),
        bad("RTMP 5.4.1: bit 31 of the chunk size is 0 (2^32-1)", "Set Chunk Size 4294967295,",
            () -> RtmpBytes.handshake().setChunkSize(-1)),
        bad("limit: chunk size over max-chunk-bytes", "Set Chunk Size 65537,",
            () -> RtmpBytes.handshake().setChunkSize(65537)),
        bad("limit: chunk size over max-chunk-bytes (2^31-1)", "Set Chunk Size 2147483647,",
            () -> RtmpBytes.handshake().setChunkSize(Integer.MAX_VALUE)),
        bad("RTMP 5.4.1: Set Chunk Size carries 4 bytes", "not 4",
            () -> RtmpBytes.handshake().message(2, 1, 0, new byte[] {0, 0, 16, 0, 0})),
        bad("limit: message over max-message-bytes-before-publish", "over the limit of 65536 before publishing",
            () -> RtmpBytes.handshake().connect("live").header(0, 6, 0, 65537, VIDEO, 1)),
        bad("limit: a 16 MiB claim before connect", "over the limit of 65536 before publishing",
            () -> RtmpBytes.handshake().setChunkSize(65536).header(0, 3, 0, 0xFFFFFF, 20, 0)),
        bad("RTMP 5.3.1.2: a chunk stream starts with a type 0 chunk", "starts with a type 1 chunk",
            () -> RtmpBytes.handshake().header(1, 3, 0, 100, 20, 0)),
        bad("RTMP 5.3.1.2: a chunk stream starts with a type 0 chunk (type 3)", "starts with a type 3 chunk",
            () -> RtmpBytes.handshake().header(3, 5, 0, 0, 0, 0)),
        bad("RTMP 5.3.1.2.4: a message continues in type 3 chunks", "inside an unfinished message",
            () -> RtmpBytes.handshake().header(0, 3, 0, 1000, 20, 0).raw(new byte[128])
                .header(0, 3, 0, 1000, 20, 0)),
        bad("limit: max-chunk-streams", "more than 32 chunk stream ids", () -> {
          RtmpBytes bytes = RtmpBytes.handshake();
          for (int csid = 2; csid < 2 + 33; csid++) {
            bytes.message(csid, 5, 0, new byte[] {0, 0, 16, 0}); // Window Acknowledgement Size
          }
          return bytes;
        }),
        bad("limit: max-partial-messages", "more than 8 unfinished messages", () -> {
          RtmpBytes bytes = RtmpBytes.handshake();
          for (int csid = 3; csid < 3 + 9; csid++) {
            bytes.header(0, csid, 0, 1000, 20, 0).raw(new byte[128]);
          }
          return bytes;
        }),
        bad("RTMP 7.2.1.1: connect comes first (media)", "a type 9 message before connect",
            () -> RtmpBytes.handshake().message(6, VIDEO, 1, new byte[10])),
        bad("RTMP 7.2.1.1: connect comes first (command)", "command 'publish' before connect",
            () -> RtmpBytes.handshake().message(3, 20, 0, new Amf0().string("publish").number(1).bytes())),
        bad("one application: live", "connect to application 'evil'",
            () -> RtmpBytes.handshake().connect("evil")),
        bad("one application: live (no prefix match)", "connect to application 'livex'",
            () -> RtmpBytes.handshake().connect("livex")),
        bad("RTMP 7.2.1.1: connect names its app", "connect without an app name",
            () -> RtmpBytes.handshake().message(3, 20, 0,
                new Amf0().string("connect").number(1).objectStart().key("tcUrl").string("x").objectEnd().bytes())),
        bad("AMF0 2.1: a value ends inside its message", "runs past the end",
            () -> RtmpBytes.handshake().message(3, 20, 0,
                Arrays.copyOf(Amf0.connect("live"), Amf0.connect("live").length - 4))),
        bad("AMF0 2.1: nesting is bounded", "nested deeper than 8", () -> {
          Amf0 amf = new Amf0().string("connect").number(1).objectStart();
          for (int i = 0; i < 10; i++) {
            amf.key("o").objectStart();
          }
          return RtmpBytes.handshake().message(3, 20, 0, amf.bytes());
        }),
        bad("AMF0 2.12: a strict array's count fits its message (Red5 sizes a list from it)",
            "claims 2147483647 elements", () -> RtmpBytes.handshake().connect("live").message(3, 20, 0,
                new Amf0().string("createStream").number(2).arrayClaim(0x0A, Integer.MAX_VALUE).bytes())),
        bad("AMF0 2.10: an ECMA array's count fits its message (data message)", "claims 1000000 elements",
            () -> RtmpBytes.handshake().connect("live").message(4, 18, 1,
                new Amf0().string("@setDataFrame").string("onMetaData").arrayClaim(0x08, 1_000_000).bytes())),
        bad("AMF0 2.1: a command after connect is well formed", "command: AMF0 value runs past the end",
            () -> RtmpBytes.handshake().connect("live").message(3, 20, 0,
                Arrays.copyOf(new Amf0().string("createStream").number(2).nul().bytes(), 12))),
        bad("RTMP 7.1: no AMF3 commands after connect (ffmpeg and OBS send AMF0)", "a type 17 message",
            () -> RtmpBytes.handshake().connect("live").message(3, 17, 0,
                new Amf0().string("createStream").number(2).nul().bytes())),
        bad("RTMP 7.1: no shared objects", "a type 19 message",
            () -> RtmpBytes.handshake().connect("live").message(3, 19, 0, new byte[12])),
        bad("limit: bytes held before connect", "sent without a complete connect", () -> {
          RtmpBytes bytes = RtmpBytes.handshake();
          for (int i = 0; i < 6000; i++) {
            bytes.message(2, 5, 0, new byte[] {0, 0, 16, 0});
          }
          return bytes;
        }));
  }

  private static Arguments bad(String clause, String reason, Supplier<RtmpBytes> bytes) {
    return Arguments.of(clause, reason, bytes);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void feed_malformed_rejectsNamingTheRule(String clause, String reason, Supplier<RtmpBytes> bytes) {
    RtmpGuard guard = new RtmpGuard(LIMITS);
    assertFalse(feedAll(guard, bytes.get().bytes()), clause);
    assertNotNull(guard.rejection());
    assertTrue(guard.rejection().contains(reason), () -> "rejection '" + guard.rejection() + "' lacks " + reason);
  }

  @Test
  void feed_afterPublishAllowed_messageOverMaxMessageBytesIsRejected() {
    RtmpGuard guard = new RtmpGuard(LIMITS);
    assertTrue(feedAll(guard, publisherSession().bytes()));
    guard.allowPublishing();
    assertTrue(feedAll(guard, RtmpBytes.empty().header(0, 6, 0, LIMITS.maxMessageBytes(), VIDEO, 1).bytes()));
    RtmpGuard other = new RtmpGuard(LIMITS);
    assertTrue(feedAll(other, publisherSession().bytes()));
    other.allowPublishing();
    assertFalse(feedAll(other, RtmpBytes.empty().header(0, 6, 0, 0xFFFFFF, VIDEO, 1).bytes()));
    assertTrue(other.rejection().contains("a message of 16777215 bytes"), other.rejection());
  }

  @Test
  void feed_beforePublishAllowed_keyframeSizedMessageIsRejected() {
    RtmpGuard guard = new RtmpGuard(LIMITS);
    assertTrue(feedAll(guard, publisherSession().bytes()));
    assertFalse(feedAll(guard, RtmpBytes.empty().header(0, 6, 0, 200_000, VIDEO, 1).bytes()));
  }
}
