package space.share.web;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * Closes WebSockets with a close code and reason, and drops the TCP connection of one still open {@code graceMs}
 * later. Jetty sends the close frame after the frames already handed to it: behind a write that a peer does not read,
 * the close frame never leaves, and without the disconnect such a peer would hold its socket and buffers until an
 * idle timeout. Thread-safe; never blocks. One instance can serve every socket of a server.
 */
public final class GracefulClose {
  /** The grace both servers give: a peer that reads gets its close frame in far less. */
  public static final long DEFAULT_GRACE_MS = 2_000;
  /** RFC 6455 5.5: a control frame's payload is at most 125 bytes, two of them the close code. */
  static final int MAX_REASON_BYTES = 123;

  private final ScheduledExecutorService scheduler;
  private final long graceMs;

  /** @param scheduler times the disconnect; once it is shut down (the server stopping), closes skip the disconnect */
  public GracefulClose(ScheduledExecutorService scheduler, long graceMs) {
    this.scheduler = scheduler;
    this.graceMs = graceMs;
  }

  /** Sends the close frame now ({@code reason} cut to what fits one) and disconnects after the grace if still open. */
  public void close(Session session, int closeCode, String reason) {
    session.close(closeCode, fitted(reason), Callback.NOOP);
    try {
      scheduler.schedule(() -> {
        if (session.isOpen()) {
          session.disconnect();
        }
      }, graceMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopping) {
      // The server is stopping and closes every connection itself.
    }
  }

  /** {@code reason} cut to at most {@value #MAX_REASON_BYTES} bytes of UTF-8, at a character boundary. */
  static String fitted(String reason) {
    if (reason.length() * 3 <= MAX_REASON_BYTES) {
      return reason; // no UTF-8 char takes more than 3 bytes per UTF-16 unit
    }
    int end = reason.length();
    while (reason.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
      end--;
      if (Character.isLowSurrogate(reason.charAt(end)) && end > 0) {
        end--; // never split a surrogate pair
      }
    }
    return reason.substring(0, end);
  }
}
