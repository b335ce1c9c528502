package space.share.player.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One fuzz case's TCP connection with a hard deadline: a watchdog closes the socket when the case's time is up, so
 * a write the server never reads, or a read it never answers, cannot hold a worker longer than the budget.
 *
 * <p>Not thread-safe: one case (one worker thread) uses it; only the watchdog closes it from elsewhere.
 */
final class Conn implements AutoCloseable {
  private static final int CONNECT_TIMEOUT_MS = 2_000;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final ScheduledFuture<?> watchdog;
  private final long deadlineNanos;
  /** The server closed its side (EOF) or reset the connection. */
  boolean serverClosed;
  /** Our write failed: the server closed or reset while we were still sending. */
  boolean writeFailed;
  /** The watchdog closed the socket: the server still held it open at the deadline. */
  volatile boolean expired;
  long bytesRead;

  private Conn(Socket socket, ScheduledExecutorService timer, long budgetMs) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMs);
    this.watchdog = timer.schedule(() -> {
      expired = true;
      closeQuietly();
    }, budgetMs, TimeUnit.MILLISECONDS);
  }

  /**
   * Connects from {@code local} (any 127.x address: the room controller throttles wrong passcodes per client
   * address, so spreading cases over loopback addresses keeps 127.0.0.1, the good client's, unthrottled).
   */
  static Conn open(InetSocketAddress target, InetAddress local, ScheduledExecutorService timer, long budgetMs)
      throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.setSoLinger(true, 0); // reset at close: 10,000 cases leave no TIME_WAIT pile on either side
      if (local != null) socket.bind(new InetSocketAddress(local, 0));
      socket.connect(target, CONNECT_TIMEOUT_MS);
      return new Conn(socket, timer, budgetMs);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  long remainingMs() {
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
  }

  /** Writes all of {@code bytes}; false (and {@link #writeFailed}) when the server closed first. */
  boolean write(byte[] bytes) {
    return write(bytes, 0, bytes.length);
  }

  boolean write(byte[] bytes, int offset, int length) {
    if (writeFailed || expired) return false;
    try {
      out.write(bytes, offset, length);
      out.flush();
      return true;
    } catch (IOException e) {
      if (!expired) writeFailed = true;
      return false;
    }
  }

  boolean write(String ascii) {
    return write(ascii.getBytes(StandardCharsets.ISO_8859_1));
  }

  /**
   * Reads what arrives within {@code waitMs} (bounded by the deadline), up to {@code maxBytes}; stops early at
   * EOF (then {@link #serverClosed}) or when {@code enough} is seen in the bytes read so far.
   */
  byte[] read(long waitMs, int maxBytes, String enough) {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(waitMs, remainingMs()));
    byte[] buf = new byte[8192];
    try {
      while (got.size() < maxBytes && !serverClosed && !expired) {
        long leftMs = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
        if (leftMs <= 0) break;
        socket.setSoTimeout((int) Math.max(1, leftMs));
        int n;
        try {
          n = in.read(buf, 0, Math.min(buf.length, maxBytes - got.size()));
        } catch (SocketTimeoutException timeout) {
          break;
        }
        if (n < 0) {
          serverClosed = true;
          break;
        }
        got.write(buf, 0, n);
        bytesRead += n;
        if (enough != null && got.toString(StandardCharsets.ISO_8859_1).contains(enough)) break;
      }
    } catch (IOException e) {
      if (!expired) serverClosed = true; // reset by the server
    }
    return got.toByteArray();
  }

  /** Reads exactly {@code n} bytes within {@code waitMs}, or null. */
  byte[] readExactly(int n, long waitMs) {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
    while (got.size() < n) {
      long left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
      if (left <= 0) return null;
      byte[] part = read(left, n - got.size(), null);
      got.write(part, 0, part.length);
      if (serverClosed || expired) break;
    }
    return got.size() == n ? got.toByteArray() : null;
  }

  /** Reads and discards until the server closes or {@code waitMs} pass; true when the server closed. */
  boolean drainUntilClosed(long waitMs) {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
    while (!serverClosed && !expired) {
      long left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
      if (left <= 0) break;
      read(left, 1 << 20, null);
    }
    return serverClosed;
  }

  /** Waits without reading (a client that stalls): bounded by the deadline. */
  void stall(long ms) {
    long wait = Math.min(ms, remainingMs());
    if (wait <= 0) return;
    try {
      Thread.sleep(wait); // the stall IS the case: a peer that holds its connection and says nothing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void closeQuietly() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  @Override
  public void close() {
    watchdog.cancel(false);
    closeQuietly();
  }
}
