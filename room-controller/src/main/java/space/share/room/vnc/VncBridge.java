package space.share.room.vnc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.room.api.RoomStatus;

/**
 * One noVNC WebSocket bridged to the room's VNC server over TCP.
 *
 * <p>Flow control in both directions: a WebSocket frame is demanded only after the previous one was
 * fully written to the TCP socket, and the TCP socket is read again only after the last bytes read
 * were sent on the WebSocket. A slow side therefore stalls its peer instead of filling memory; the
 * bridge holds at most one {@link #READ_BUFFER_BYTES} buffer and one in-flight frame.
 *
 * <p>TCP_NODELAY (key and pointer events are tiny and latency-bound), a connect timeout, and an idle
 * timeout over both directions. I/O failures close both sides with a {@link RoomStatus} close code.
 *
 * <p>Threading: callbacks arrive on Jetty and NIO threads, never two reads or two writes at once
 * (the demand discipline guarantees it); {@link #close} may be called from any thread, once counts.
 */
public final class VncBridge implements Session.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(VncBridge.class);
  static final int READ_BUFFER_BYTES = 64 * 1024;

  /** Told about input (for the control idle clock) and about the end of the bridge. */
  public interface Owner {
    void onInput(VncBridge bridge);

    void onClosed(VncBridge bridge);

    /** Re-checked once registered, to close the race between the token check and registration. */
    boolean stillAllowed(VncBridge bridge);
  }

  private final String roomId;
  private final String memberId;
  private final String peer;
  private final InetSocketAddress target;
  private final Duration connectTimeout;
  private final ScheduledExecutorService scheduler;
  private final VncBridges registry;
  private final Owner owner;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
  private volatile Session session;
  private volatile AsynchronousSocketChannel channel;
  private volatile long lastTrafficNanos = System.nanoTime();
  private volatile long bytesToVnc;
  private volatile long bytesFromVnc;

  VncBridge(String roomId, String memberId, String peer, InetSocketAddress target, Duration connectTimeout,
      ScheduledExecutorService scheduler, VncBridges registry, Owner owner) {
    this.roomId = roomId;
    this.memberId = memberId;
    this.peer = peer;
    this.target = target;
    this.connectTimeout = connectTimeout;
    this.scheduler = scheduler;
    this.registry = registry;
    this.owner = owner;
  }

  public String roomId() {
    return roomId;
  }

  public String memberId() {
    return memberId;
  }

  long idleNanos() {
    return System.nanoTime() - lastTrafficNanos;
  }

  @Override
  public void onWebSocketOpen(Session session) {
    this.session = session;
    if (!registry.add(this)) {
      close(RoomStatus.TOO_MANY_SOCKETS, "room " + roomId + " has its maximum of " + registry.maxPerRoom() + " VNC sockets");
      return;
    }
    if (!owner.stillAllowed(this)) {
      close(RoomStatus.CONTROL_LOST, "control has passed to another member");
      return;
    }
    try {
      AsynchronousSocketChannel socket = AsynchronousSocketChannel.open();
      socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel = socket;
    } catch (IOException e) {
      close(RoomStatus.INTERNAL_ERROR, "cannot open a socket");
      return;
    }
    ScheduledFuture<?> timeout = scheduler.schedule(
        () -> close(RoomStatus.VNC_UNAVAILABLE, "VNC server did not accept within " + connectTimeout.toMillis() + " ms"),
        connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
    InetSocketAddress resolved = new InetSocketAddress(target.getHostString(), target.getPort());
    channel.connect(resolved, null, new CompletionHandler<Void, Void>() {
      @Override
      public void completed(Void result, Void attachment) {
        timeout.cancel(false);
        if (closed.get()) {
          closeChannel();
          return;
        }
        LOG.info("VNC bridge open: member {} of room {} from {} -> {}", memberId, roomId, peer, resolved);
        readFromVnc();
        session.demand();
      }

      @Override
      public void failed(Throwable error, Void attachment) {
        timeout.cancel(false);
        close(RoomStatus.VNC_UNAVAILABLE, "VNC server refused the connection");
      }
    });
  }

  /** VNC → browser: read, send, and only then read again. */
  private void readFromVnc() {
    readBuffer.clear();
    channel.read(readBuffer, null, new CompletionHandler<Integer, Void>() {
      @Override
      public void completed(Integer count, Void attachment) {
        if (count < 0) {
          close(RoomStatus.VNC_UNAVAILABLE, "VNC server closed the connection");
          return;
        }
        lastTrafficNanos = System.nanoTime();
        bytesFromVnc += count;
        readBuffer.flip();
        session.sendBinary(readBuffer, Callback.from(VncBridge.this::readFromVncIfOpen,
            error -> close(RoomStatus.INTERNAL_ERROR, "browser connection failed")));
      }

      @Override
      public void failed(Throwable error, Void attachment) {
        close(RoomStatus.VNC_UNAVAILABLE, "VNC connection failed");
      }
    });
  }

  private void readFromVncIfOpen() {
    if (!closed.get()) {
      readFromVnc();
    }
  }

  /** Browser → VNC: write all of it, then demand the next frame. */
  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    lastTrafficNanos = System.nanoTime();
    if (RfbInput.isInput(payload)) {
      owner.onInput(this);
    }
    bytesToVnc += payload.remaining();
    writeToVnc(payload, callback);
  }

  private void writeToVnc(ByteBuffer payload, Callback callback) {
    channel.write(payload, null, new CompletionHandler<Integer, Void>() {
      @Override
      public void completed(Integer count, Void attachment) {
        if (payload.hasRemaining()) {
          writeToVnc(payload, callback);
          return;
        }
        callback.succeed();
        if (!closed.get()) {
          session.demand();
        }
      }

      @Override
      public void failed(Throwable error, Void attachment) {
        callback.fail(error);
        close(RoomStatus.VNC_UNAVAILABLE, "VNC connection failed");
      }
    });
  }

  /**
   * Jetty hands pings to a listener that has this method and leaves the pong and the next demand to it
   * (it only demands by itself for auto-demanding listeners), so answer and demand here.
   */
  @Override
  public void onWebSocketPing(ByteBuffer payload) {
    session.sendPong(payload, Callback.from(session::demand, error -> close(RoomStatus.INTERNAL_ERROR, "pong failed")));
  }

  @Override
  public void onWebSocketPong(ByteBuffer payload) {
    session.demand();
  }

  @Override
  public void onWebSocketText(String message) {
    LOG.debug("ignored a text message on the VNC socket of member {} from {}", memberId, peer);
    session.demand();
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    closed.set(true);
    finish();
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    LOG.debug("VNC socket error for member {} from {}: {}", memberId, peer, cause.toString());
    closed.set(true);
    finish();
  }

  /** Closes both sides; the browser sees {@code status}'s close code. */
  public void close(RoomStatus status, String reason) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (status.isClientError()) {
      LOG.info("VNC bridge of member {} in room {} ({}) closed: {} ({})", memberId, roomId, peer, status.code(), reason);
    } else {
      LOG.warn("VNC bridge of member {} in room {} ({}) closed: {} ({})", memberId, roomId, peer, status.code(), reason);
    }
    Session current = session;
    if (current != null && current.isOpen()) {
      current.close(status.closeCode(), reason, Callback.NOOP);
    }
    finish();
  }

  private void finish() {
    closeChannel();
    if (registry.remove(this)) {
      LOG.debug("VNC bridge done: {} bytes to VNC, {} bytes from VNC", bytesToVnc, bytesFromVnc);
      owner.onClosed(this);
    }
  }

  private void closeChannel() {
    AsynchronousSocketChannel current = channel;
    if (current != null) {
      try {
        current.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
