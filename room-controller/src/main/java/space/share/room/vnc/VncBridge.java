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
import space.share.room.status.RoomStatus;

/**
 * One noVNC WebSocket bridged to the room's VNC server over TCP.
 *
 * <p>The bridge terminates the RFB security handshake on both sides ({@link RfbHandshake}): it connects and
 * authenticates to the VNC server with the room's password (VNC Authentication) before the browser sees a byte,
 * then greets the browser as an RFB 3.8 server offering security type None. From the browser's ClientInit on,
 * bytes pass unchanged. The connect timeout covers the TCP connect and the server-side handshake together.
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
  private final String password;
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

  /** The browser-side handshake; null until the server side is done, then until the browser's part is done. */
  private volatile RfbHandshake.ToBrowser browserHandshake;
  private volatile boolean relaying;

  VncBridge(String roomId, String memberId, String peer, VncEndpoint endpoint, Duration connectTimeout,
      ScheduledExecutorService scheduler, VncBridges registry, Owner owner) {
    this.roomId = roomId;
    this.memberId = memberId;
    this.peer = peer;
    this.target = endpoint.address();
    this.password = endpoint.password();
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
        () -> close(RoomStatus.VNC_UNAVAILABLE, "VNC server did not accept and authenticate within "
            + connectTimeout.toMillis() + " ms"),
        connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
    InetSocketAddress resolved = new InetSocketAddress(target.getHostString(), target.getPort());
    channel.connect(resolved, null, new CompletionHandler<Void, Void>() {
      @Override
      public void completed(Void result, Void attachment) {
        if (closed.get()) {
          timeout.cancel(false);
          closeChannel();
          return;
        }
        authenticate(new RfbHandshake.ToServer(password), () -> {
          timeout.cancel(false);
          LOG.info("VNC bridge open: member {} of room {} from {} -> {}", memberId, roomId, peer, resolved);
          greetBrowser();
        });
      }

      @Override
      public void failed(Throwable error, Void attachment) {
        timeout.cancel(false);
        close(RoomStatus.VNC_UNAVAILABLE, "VNC server refused the connection");
      }
    });
  }

  /** Server side of the security handshake: one field at a time, each reply written before the next read. */
  private void authenticate(RfbHandshake.ToServer handshake, Runnable onDone) {
    ByteBuffer field = ByteBuffer.allocate(handshake.need());
    readFully(field, () -> {
      RfbHandshake.Step step = handshake.accept(field.array());
      if (step.outcome() == RfbHandshake.Outcome.FAILED) {
        close(RoomStatus.VNC_UNAVAILABLE, "VNC handshake failed: " + step.reason());
        return;
      }
      writeFully(ByteBuffer.wrap(step.reply()), () -> {
        if (step.outcome() == RfbHandshake.Outcome.DONE) {
          onDone.run();
        } else {
          authenticate(handshake, onDone);
        }
      });
    });
  }

  private void readFully(ByteBuffer buffer, Runnable onFull) {
    if (!buffer.hasRemaining()) {
      onFull.run();
      return;
    }
    channel.read(buffer, null, new CompletionHandler<Integer, Void>() {
      @Override
      public void completed(Integer count, Void attachment) {
        if (count < 0) {
          close(RoomStatus.VNC_UNAVAILABLE, "VNC server closed the connection during the handshake");
        } else if (!closed.get()) {
          readFully(buffer, onFull);
        }
      }

      @Override
      public void failed(Throwable error, Void attachment) {
        close(RoomStatus.VNC_UNAVAILABLE, "VNC connection failed during the handshake");
      }
    });
  }

  private void writeFully(ByteBuffer buffer, Runnable onWritten) {
    if (!buffer.hasRemaining()) {
      onWritten.run();
      return;
    }
    channel.write(buffer, null, new CompletionHandler<Integer, Void>() {
      @Override
      public void completed(Integer count, Void attachment) {
        if (!closed.get()) {
          writeFully(buffer, onWritten);
        }
      }

      @Override
      public void failed(Throwable error, Void attachment) {
        close(RoomStatus.VNC_UNAVAILABLE, "VNC connection failed during the handshake");
      }
    });
  }

  /** Browser side: the proxy's greeting, then the browser's frames go to {@link #onWebSocketBinary}. */
  private void greetBrowser() {
    RfbHandshake.ToBrowser handshake = new RfbHandshake.ToBrowser();
    browserHandshake = handshake;
    session.sendBinary(ByteBuffer.wrap(handshake.greeting()), Callback.from(session::demand,
        error -> close(RoomStatus.INTERNAL_ERROR, "browser connection failed")));
  }

  /** A frame during the browser's handshake: answer it; once done, relay the rest of the frame and start reading VNC. */
  private void handshakeWithBrowser(RfbHandshake.ToBrowser handshake, ByteBuffer payload, Callback callback) {
    RfbHandshake.Step step = handshake.feed(payload);
    if (step.outcome() == RfbHandshake.Outcome.FAILED) {
      callback.succeed();
      close(RoomStatus.BAD_REQUEST, step.reason());
      return;
    }
    Runnable next = () -> {
      if (step.outcome() == RfbHandshake.Outcome.MORE) {
        callback.succeed();
        session.demand();
        return;
      }
      relaying = true;
      readFromVnc();
      if (payload.hasRemaining()) {
        bytesToVnc += payload.remaining();
        writeToVnc(payload, callback);
      } else {
        callback.succeed();
        session.demand();
      }
    };
    if (step.reply().length == 0) {
      next.run();
    } else {
      session.sendBinary(ByteBuffer.wrap(step.reply()), Callback.from(() -> {
        if (!closed.get()) {
          next.run();
        }
      }, error -> close(RoomStatus.INTERNAL_ERROR, "browser connection failed")));
    }
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
    if (!relaying) {
      RfbHandshake.ToBrowser handshake = browserHandshake;
      if (handshake == null) {
        callback.succeed();
        close(RoomStatus.BAD_REQUEST, "the browser sent RFB bytes before the server's greeting");
      } else {
        handshakeWithBrowser(handshake, payload, callback);
      }
      return;
    }
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
