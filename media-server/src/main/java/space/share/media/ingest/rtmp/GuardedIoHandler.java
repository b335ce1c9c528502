package space.share.media.ingest.rtmp;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.red5.server.net.rtmp.RTMPMinaIoHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.media.metrics.MediaMetrics;
import space.share.media.metrics.MediaMetrics.RtmpRefusal;

/**
 * Red5's MINA handler behind the server's bounds: refuses a connection past {@link RtmpLimits#maxConnections()} or
 * {@link RtmpLimits#maxConnectionsPerAddress()} before Red5 creates anything for it, puts an {@link RtmpGuardFilter}
 * first in every admitted session's chain, and closes a session that has not connected to {@code live} within
 * {@link RtmpLimits#connectTimeoutMs()}.
 *
 * <p>Thread-safe: MINA calls it from its I/O threads; deadlines run on {@code deadlines}.
 */
final class GuardedIoHandler extends RTMPMinaIoHandler {
  private static final Logger log = LoggerFactory.getLogger(GuardedIoHandler.class);
  private static final String ADMITTED_ADDRESS = "shareSpace.admittedAddress";
  private static final String CONNECT_DEADLINE = "shareSpace.connectDeadline";

  private final RtmpLimits limits;
  private final RtmpAdmission admission;
  private final ScheduledExecutorService deadlines;
  private final MediaMetrics metrics;

  GuardedIoHandler(RtmpLimits limits, ScheduledExecutorService deadlines, MediaMetrics metrics) {
    this.limits = limits;
    this.admission = new RtmpAdmission(limits.maxConnections(), limits.maxConnectionsPerAddress());
    this.deadlines = deadlines;
    this.metrics = metrics;
  }

  RtmpAdmission admission() {
    return admission;
  }

  @Override
  public void sessionCreated(IoSession session) throws Exception {
    String address = address(session.getRemoteAddress());
    String peer = peer(session.getRemoteAddress());
    RtmpAdmission.Verdict verdict = admission.admit(address);
    if (verdict != RtmpAdmission.Verdict.ADMITTED) {
      metrics.rtmpRefused(verdict == RtmpAdmission.Verdict.TOO_MANY_CONNECTIONS ? RtmpRefusal.MAX_CONNECTIONS
          : RtmpRefusal.MAX_PER_ADDRESS);
      log.warn("refused RTMP connection from {}: {}", peer, verdict == RtmpAdmission.Verdict.TOO_MANY_CONNECTIONS
          ? limits.maxConnections() + " RTMP connections are open"
          : limits.maxConnectionsPerAddress() + " RTMP connections from this address are open");
      session.closeNow();
      return;
    }
    session.setAttribute(ADMITTED_ADDRESS, address);
    super.sessionCreated(session);
    RtmpGuard guard = new RtmpGuard(limits);
    session.getFilterChain().addFirst(RtmpGuardFilter.NAME, new RtmpGuardFilter(guard, peer,
        () -> metrics.rtmpRefused(RtmpRefusal.PROTOCOL)));
    ScheduledFuture<?> deadline = deadlines.schedule(() -> {
      if (!guard.isConnected() && guard.rejection() == null && !session.isClosing()) {
        log.warn("closed RTMP connection from {}: no handshake and connect to live within {} ms", peer,
            limits.connectTimeoutMs());
        metrics.rtmpRefused(RtmpRefusal.CONNECT_TIMEOUT);
        session.closeNow();
      }
    }, limits.connectTimeoutMs(), TimeUnit.MILLISECONDS);
    session.setAttribute(CONNECT_DEADLINE, deadline);
  }

  @Override
  public void sessionOpened(IoSession session) throws Exception {
    if (session.containsAttribute(ADMITTED_ADDRESS)) {
      super.sessionOpened(session);
    }
  }

  @Override
  public void sessionClosed(IoSession session) throws Exception {
    Object address = session.removeAttribute(ADMITTED_ADDRESS);
    if (address == null) {
      return; // refused: Red5 never saw it
    }
    admission.release((String) address);
    if (session.removeAttribute(CONNECT_DEADLINE) instanceof ScheduledFuture<?> deadline) {
      deadline.cancel(false);
    }
    super.sessionClosed(session);
  }

  @Override
  public void sessionIdle(IoSession session, IdleStatus status) throws Exception {
    if (session.containsAttribute(ADMITTED_ADDRESS)) {
      super.sessionIdle(session, status);
    }
  }

  @Override
  public void messageReceived(IoSession session, Object message) throws Exception {
    if (session.containsAttribute(ADMITTED_ADDRESS)) {
      super.messageReceived(session, message);
    }
  }

  @Override
  public void messageSent(IoSession session, Object message) throws Exception {
    if (session.containsAttribute(ADMITTED_ADDRESS)) {
      super.messageSent(session, message);
    }
  }

  @Override
  public void exceptionCaught(IoSession session, Throwable cause) throws Exception {
    if (session.containsAttribute(ADMITTED_ADDRESS)) {
      super.exceptionCaught(session, cause);
    } else {
      session.closeNow();
    }
  }

  private static String address(SocketAddress remote) {
    return remote instanceof InetSocketAddress inet && inet.getAddress() != null
        ? inet.getAddress().getHostAddress() : String.valueOf(remote);
  }

  private static String peer(SocketAddress remote) {
    return remote instanceof InetSocketAddress inet && inet.getAddress() != null
        ? inet.getAddress().getHostAddress() + ":" + inet.getPort() : String.valueOf(remote);
  }
}
