package space.share.web;

import java.util.concurrent.Executor;
import org.eclipse.jetty.websocket.api.Callback;

/**
 * Sends what one WebSocket has queued, at most one message in flight. The socket keeps its own queue and its own
 * policy for a peer that falls behind (a {@link Source}); the loop decides when the next message starts: when the
 * socket {@link #request}s a send and none is in flight, and each time a send completes.
 *
 * <p>The loop is the {@link Callback} of every message, so a send costs no callback object. A send that completes
 * while it is being started (Jetty completes a write inline when the socket takes it whole) continues in the loop
 * on the starting thread, never by recursion from the callback, so a fast peer cannot grow the stack.
 *
 * <p>Threading: {@link #request} from any thread, never blocking (the loop runs on {@code starts}); {@link Source}
 * calls come one at a time, never with the loop's lock held, on the starting thread or the thread completing a send.
 * After a failed send the loop stops for good.
 */
public final class SendLoop implements Callback {
  /** A socket's queue, as the loop sees it. */
  public interface Source {
    /**
     * Starts sending the next queued message with {@code done} as the callback of its last frame, and returns true;
     * returns false, without using {@code done}, when nothing is queued (or the socket closed).
     */
    boolean sendNext(Callback done);

    /** The message the last {@link #sendNext} started was written; called before the next {@code sendNext}. */
    void sent();

    /** A send failed (the connection is gone): called once, and nothing is sent after it. */
    void failed(Throwable cause);
  }

  private final Source source;
  private final Executor starts;
  // Guarded by this.
  /** A thread is in {@link #run} or a send is in flight: at most one of either. */
  private boolean running;
  /** {@link #request} was called while running, after the loop last asked for the next message. */
  private boolean requested;
  /** {@link #run} is inside {@link Source#sendNext}: a completion now only marks {@link #completedInline}. */
  private boolean startingSend;
  private boolean completedInline;
  private boolean failed;

  /** @param starts runs the loop when a request finds it idle ({@code Runnable::run}: on the requesting thread) */
  public SendLoop(Source source, Executor starts) {
    this.source = source;
    this.starts = starts;
  }

  /** Something was queued: starts sending it unless a send is in flight or being started. */
  public void request() {
    synchronized (this) {
      if (failed) {
        return;
      }
      if (running) {
        requested = true;
        return;
      }
      running = true;
    }
    starts.execute(this::run);
  }

  private void run() {
    while (true) {
      synchronized (this) {
        if (failed) {
          running = false;
          return;
        }
        requested = false;
        startingSend = true;
        completedInline = false;
      }
      boolean started;
      try {
        started = source.sendNext(this);
      } catch (RuntimeException e) {
        synchronized (this) {
          startingSend = false;
        }
        fail(e);
        return;
      }
      synchronized (this) {
        startingSend = false;
        if (failed || (started ? !completedInline : !requested)) {
          running = started && !failed; // in flight: its completion continues the loop; or nothing left to send
          return;
        }
      }
    }
  }

  /** The message in flight was written: the next one starts, here or (inline) on the thread starting this one. */
  @Override
  public void succeed() {
    source.sent();
    synchronized (this) {
      if (startingSend) {
        completedInline = true;
        return;
      }
    }
    run();
  }

  @Override
  public void fail(Throwable cause) {
    synchronized (this) {
      if (failed) {
        return; // another frame of the same message failing too
      }
      failed = true;
      running = false;
    }
    source.failed(cause);
  }
}
