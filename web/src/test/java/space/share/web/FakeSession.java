package space.share.web;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * An in-memory WebSocket session: records text sends and keeps their callbacks for the test to complete (or completes
 * them at once, {@link #completeInline}), records closes and disconnects. Not thread-safe: tests drive it from one
 * thread.
 */
final class FakeSession {
  final List<String> sent = new ArrayList<>();
  final List<Callback> pending = new ArrayList<>();
  boolean completeInline;
  /** The peer answers a close frame at once (false: its socket stays open, as behind a stuck write). */
  boolean peerAnswersClose = true;
  Integer closeCode;
  String closeReason;
  boolean open = true;
  int disconnects;
  final Session session = (Session) Proxy.newProxyInstance(Session.class.getClassLoader(),
      new Class<?>[] {Session.class}, (proxy, method, args) -> {
        switch (method.getName()) {
          case "sendText" -> send((String) args[0], (Callback) args[1]);
          case "close" -> {
            closeCode = (Integer) args[0];
            closeReason = (String) args[1];
            open &= !peerAnswersClose;
          }
          case "disconnect" -> {
            disconnects++;
            open = false;
          }
          case "isOpen" -> {
            return open;
          }
          case "toString" -> {
            return "FakeSession";
          }
          default -> throw new UnsupportedOperationException(method.getName());
        }
        return null;
      });

  private void send(String text, Callback callback) {
    sent.add(text);
    if (completeInline) {
      callback.succeed();
    } else {
      pending.add(callback);
    }
  }

  /** Completes the oldest send in flight. */
  void completeOne() {
    pending.remove(0).succeed();
  }
}
