package space.share.media.ingest.rtmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.filterchain.IoFilter.NextFilter;
import org.apache.mina.core.session.DummySession;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.core.write.WriteRequest;
import org.junit.jupiter.api.Test;
import space.share.media.testing.RtmpBytes;

class RtmpGuardFilterTest {
  /** The next filter (Red5's): records the bytes it is given. */
  private static final class CapturingNext implements NextFilter {
    final ByteArrayOutputStream received = new ByteArrayOutputStream();

    @Override
    public void messageReceived(IoSession session, Object message) {
      IoBuffer buffer = (IoBuffer) message;
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      received.writeBytes(bytes);
    }

    @Override public void sessionCreated(IoSession session) { }
    @Override public void sessionOpened(IoSession session) { }
    @Override public void sessionClosed(IoSession session) { }
    @Override public void sessionIdle(IoSession session, IdleStatus status) { }
    @Override public void exceptionCaught(IoSession session, Throwable cause) { }
    @Override public void inputClosed(IoSession session) { }
    @Override public void messageSent(IoSession session, WriteRequest writeRequest) { }
    @Override public void filterWrite(IoSession session, WriteRequest writeRequest) { }
    @Override public void filterClose(IoSession session) { }
  }

  private static void receive(RtmpGuardFilter filter, CapturingNext next, IoSession session, byte[] bytes, int from,
      int to) throws Exception {
    filter.messageReceived(next, session, IoBuffer.wrap(Arrays.copyOfRange(bytes, from, to)));
  }

  @Test
  void messageReceived_holdsBytesAfterHandshakeUntilConnectIsWhole_thenPassesThemInOrder() throws Exception {
    byte[] bytes = RtmpBytes.handshake().setChunkSize(4096).connect("live")
        .message(3, 20, 0, new RtmpBytes.Amf0().string("createStream").number(2).nul().bytes()).bytes();
    RtmpGuardFilter filter = new RtmpGuardFilter(new RtmpGuard(RtmpLimits.DEFAULTS), "test-peer");
    CapturingNext next = new CapturingNext();
    DummySession session = new DummySession();
    int connectEnd = RtmpBytes.handshake().setChunkSize(4096).connect("live").bytes().length;

    receive(filter, next, session, bytes, 0, RtmpBytes.HANDSHAKE_BYTES + 5);
    assertEquals(RtmpBytes.HANDSHAKE_BYTES, next.received.size());
    receive(filter, next, session, bytes, RtmpBytes.HANDSHAKE_BYTES + 5, connectEnd - 1);
    assertEquals(RtmpBytes.HANDSHAKE_BYTES, next.received.size());
    receive(filter, next, session, bytes, connectEnd - 1, connectEnd + 3);
    assertEquals(connectEnd + 3, next.received.size());
    receive(filter, next, session, bytes, connectEnd + 3, bytes.length);

    assertArrayEquals(bytes, next.received.toByteArray());
    assertFalse(session.isClosing());
  }

  @Test
  void messageReceived_violation_closesTheSessionAndPassesNothingOfIt() throws Exception {
    byte[] bytes = RtmpBytes.handshake().setChunkSize(Integer.MIN_VALUE).bytes();
    RtmpGuardFilter filter = new RtmpGuardFilter(new RtmpGuard(RtmpLimits.DEFAULTS), "test-peer");
    CapturingNext next = new CapturingNext();
    DummySession session = new DummySession();

    receive(filter, next, session, bytes, 0, RtmpBytes.HANDSHAKE_BYTES);
    receive(filter, next, session, bytes, RtmpBytes.HANDSHAKE_BYTES, bytes.length);
    byte[] after = RtmpBytes.empty().connect("live").bytes();
    receive(filter, next, session, after, 0, after.length);

    assertTrue(session.isClosing());
    assertEquals(RtmpBytes.HANDSHAKE_BYTES, next.received.size());
  }
}
