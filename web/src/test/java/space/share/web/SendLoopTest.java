package space.share.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.eclipse.jetty.websocket.api.Callback;
import org.junit.jupiter.api.Test;

class SendLoopTest {
  /** A socket's queue of text messages, sent on a {@link FakeSession}. */
  private static final class TextQueue implements SendLoop.Source {
    final ArrayDeque<String> queue = new ArrayDeque<>();
    final FakeSession socket = new FakeSession();
    final List<Throwable> failures = new ArrayList<>();
    int sentCount;
    /** Runs inside the next sendNext that finds the queue empty, before it answers. */
    Runnable onEmpty;

    @Override
    public boolean sendNext(Callback done) {
      String next = queue.poll();
      if (next == null) {
        Runnable hook = onEmpty;
        onEmpty = null;
        if (hook != null) {
          hook.run();
        }
        return false;
      }
      socket.session.sendText(next, done);
      return true;
    }

    @Override
    public void sent() {
      sentCount++;
    }

    @Override
    public void failed(Throwable cause) {
      failures.add(cause);
    }
  }

  private final TextQueue source = new TextQueue();
  private final SendLoop loop = new SendLoop(source, Runnable::run);

  private void queue(SendLoop target, String message) {
    source.queue.add(message);
    target.request();
  }

  @Test
  void request_whileASendIsInFlight_startsNoOtherAndEachCompletionStartsTheNext() {
    queue(loop, "a");
    queue(loop, "b");
    queue(loop, "c");
    assertEquals(List.of("a"), source.socket.sent, "a second send started before the first completed");
    source.socket.completeOne();
    assertEquals(List.of("a", "b"), source.socket.sent);
    source.socket.completeOne();
    source.socket.completeOne();
    assertEquals(List.of("a", "b", "c"), source.socket.sent);
    assertEquals(3, source.sentCount);
    assertTrue(source.socket.pending.isEmpty());
    queue(loop, "d"); // idle again: starts at once
    assertEquals(List.of("a", "b", "c", "d"), source.socket.sent);
  }

  @Test
  void succeed_sendsCompletingInline_loopInsteadOfRecursing() {
    source.socket.completeInline = true;
    for (int i = 0; i < 100_000; i++) {
      source.queue.add("m" + i);
    }
    loop.request(); // recursion from each callback would overflow the stack long before the end
    assertEquals(100_000, source.socket.sent.size());
    assertEquals(100_000, source.sentCount);
  }

  @Test
  void request_whileTheLoopFindsTheQueueEmpty_isNotLost() {
    queue(loop, "a");
    // Another thread queues "b" and requests just as the loop, after "a", finds the queue empty.
    source.onEmpty = () -> queue(loop, "b");
    source.socket.completeOne();
    assertEquals(List.of("a", "b"), source.socket.sent);
  }

  @Test
  void request_loopIdle_startsOnTheExecutorOnce() {
    List<Runnable> started = new ArrayList<>();
    Executor starts = started::add;
    SendLoop offThread = new SendLoop(source, starts);
    queue(offThread, "a");
    queue(offThread, "b");
    assertEquals(1, started.size(), "one start per idle loop, not one per message");
    assertTrue(source.socket.sent.isEmpty(), "sent on the requesting thread");
    started.get(0).run();
    assertEquals(List.of("a"), source.socket.sent);
    source.socket.completeOne(); // continues on the completing thread
    assertEquals(List.of("a", "b"), source.socket.sent);
    assertEquals(1, started.size());
  }

  @Test
  void fail_twiceForOneMessage_reportedOnceAndNothingSentAfter() {
    queue(loop, "a");
    queue(loop, "b");
    IOException broken = new IOException("broken pipe");
    loop.fail(broken); // an earlier frame of the message
    source.socket.pending.remove(0).fail(broken); // its last frame
    assertEquals(List.of(broken), source.failures);
    queue(loop, "c");
    assertEquals(List.of("a"), source.socket.sent);
  }

  @Test
  void sendNext_throws_loopFailsAndStops() {
    IllegalStateException closed = new IllegalStateException("session closed");
    SendLoop throwing = new SendLoop(new SendLoop.Source() {
      @Override
      public boolean sendNext(Callback done) {
        throw closed;
      }

      @Override
      public void sent() {}

      @Override
      public void failed(Throwable cause) {
        source.failures.add(cause);
      }
    }, Runnable::run);
    throwing.request();
    throwing.request();
    assertEquals(List.of(closed), source.failures);
  }
}
