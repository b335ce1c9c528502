package space.share.media.ingest.rtmp;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.filterchain.IoFilter;
import org.apache.mina.core.filterchain.IoFilterAdapter;
import org.apache.mina.core.session.IoSession;
import org.red5.server.api.IConnection;
import org.red5.server.net.rtmp.RTMPMinaConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first filter of an RTMP session: runs every byte the peer sends through its {@link RtmpGuard}, passes on to
 * Red5 only what the guard released, holds back the rest (bounded by the guard), and closes the session at the
 * first violation with one log line naming the peer.
 *
 * <p>One instance per session; MINA calls it on the session's I/O thread only.
 */
final class RtmpGuardFilter extends IoFilterAdapter {
  static final String NAME = "shareSpaceRtmpGuard";
  private static final Logger log = LoggerFactory.getLogger(RtmpGuardFilter.class);

  private final RtmpGuard guard;
  private final String peer;
  /** Told once when the guard closes the session (the metrics' refusal count). */
  private final Runnable onRejected;
  /** Read but not yet released bytes, in write mode; null when there are none. */
  private IoBuffer held;
  private long forwardedBytes;

  RtmpGuardFilter(RtmpGuard guard, String peer) {
    this(guard, peer, () -> { });
  }

  RtmpGuardFilter(RtmpGuard guard, String peer, Runnable onRejected) {
    this.guard = guard;
    this.peer = peer;
    this.onRejected = onRejected;
  }

  RtmpGuard guard() {
    return guard;
  }

  /** Lets a peer whose publish was accepted send messages up to {@code maxMessageBytes}. */
  static void allowPublishing(IConnection connection) {
    if (connection instanceof RTMPMinaConnection mina && mina.getIoSession() != null) {
      IoFilter filter = mina.getIoSession().getFilterChain().get(NAME);
      if (filter instanceof RtmpGuardFilter guarded) {
        guarded.guard.allowPublishing();
      }
    }
  }

  @Override
  public void messageReceived(NextFilter next, IoSession session, Object message) throws Exception {
    if (!(message instanceof IoBuffer in)) {
      next.messageReceived(session, message);
      return;
    }
    if (guard.rejection() != null) {
      in.position(in.limit()); // closing already: drop what still arrives
      return;
    }
    if (!guard.feed(in.buf().duplicate())) {
      log.warn("closed RTMP connection from {}: {}", peer, guard.rejection());
      onRejected.run();
      in.position(in.limit());
      held = null;
      session.closeNow();
      return;
    }
    long releasable = guard.releasedBytes() - forwardedBytes;
    if (held == null && releasable == in.remaining()) {
      forwardedBytes += releasable;
      next.messageReceived(session, in);
      return;
    }
    if (held == null) {
      held = IoBuffer.allocate(in.remaining()).setAutoExpand(true);
    }
    held.put(in);
    held.flip();
    IoBuffer released = null;
    if (releasable > 0) {
      byte[] bytes = new byte[(int) releasable];
      held.get(bytes);
      released = IoBuffer.wrap(bytes);
      forwardedBytes += releasable;
    }
    held.compact();
    if (held.position() == 0) {
      held = null;
    }
    if (released != null) {
      next.messageReceived(session, released);
    }
  }

  @Override
  public void sessionClosed(NextFilter next, IoSession session) throws Exception {
    held = null;
    next.sessionClosed(session);
  }
}
