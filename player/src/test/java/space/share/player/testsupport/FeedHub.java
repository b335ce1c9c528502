package space.share.player.testsupport;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for the media server's WebSocket feed fan-out (docs/protocol.md): header, init segment, the
 * fragments since the latest keyframe, then live; {@code ended}; a new header with generation + 1 on
 * republish. One publisher thread calls the publish methods; viewer sends run on Jetty's threads, one
 * send in flight per viewer.
 */
public final class FeedHub {
  private static final Logger LOG = LoggerFactory.getLogger(FeedHub.class);

  private final Object lock = new Object();
  private final Set<Viewer> viewers = ConcurrentHashMap.newKeySet();
  private String headerJson;
  private byte[] init;
  private final List<byte[]> sinceKeyframe = new ArrayList<>();
  private boolean live;
  private int generation;
  /** When false, new viewers get no GOP cache (tests of a reconnecting player need none). */
  private volatile boolean closeViewersWithCode4404;

  public int generation() {
    synchronized (lock) {
      return generation;
    }
  }

  public int viewerCount() {
    return viewers.size();
  }

  public void publishStart(String headerWithoutGeneration, byte[] initSegment) {
    synchronized (lock) {
      generation++;
      headerJson = headerWithoutGeneration.replace("}", ",\"generation\":" + generation + "}");
      init = initSegment;
      sinceKeyframe.clear();
      live = true;
      for (Viewer v : viewers) {
        v.sendText(headerJson);
        v.sendBinary(init);
      }
    }
  }

  public void publishFragment(byte[] fragment, boolean keyframe) {
    synchronized (lock) {
      if (!live) return;
      if (keyframe) sinceKeyframe.clear();
      sinceKeyframe.add(fragment);
      for (Viewer v : viewers) v.sendBinary(fragment);
    }
  }

  public void publishEnd() {
    synchronized (lock) {
      live = false;
      sinceKeyframe.clear();
      for (Viewer v : viewers) v.sendText("{\"type\":\"ended\"}");
    }
  }

  /** Drops every viewer's socket without a close frame (a network failure, as the page sees it). */
  public void dropAllViewers() {
    for (Viewer v : viewers) v.session.disconnect();
  }

  public void rejectNewViewersAsUnknown(boolean reject) {
    closeViewersWithCode4404 = reject;
  }

  void open(Session session) {
    if (closeViewersWithCode4404) {
      session.close(4404, "unknown stream", Callback.NOOP);
      return;
    }
    Viewer v = new Viewer(session);
    synchronized (lock) {
      viewers.add(v);
      if (!live) {
        v.sendText(generation == 0 ? "{\"type\":\"waiting\"}" : "{\"type\":\"ended\"}");
        return;
      }
      v.sendText(headerJson);
      v.sendBinary(init);
      for (byte[] f : sinceKeyframe) v.sendBinary(f);
    }
  }

  void close(Session session) {
    viewers.removeIf(v -> v.session == session);
  }

  /** One viewer's queue: at most one send in flight, the next one starts when it completes. */
  private static final class Viewer {
    final Session session;
    final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    final AtomicBoolean sending = new AtomicBoolean();

    Viewer(Session session) {
      this.session = session;
    }

    void sendText(String text) {
      queue.add(text);
      pump();
    }

    void sendBinary(byte[] data) {
      queue.add(data);
      pump();
    }

    private void pump() {
      if (!sending.compareAndSet(false, true)) return;
      Object next = queue.poll();
      if (next == null) {
        sending.set(false);
        if (!queue.isEmpty()) pump();
        return;
      }
      Callback done = Callback.from(() -> {
        sending.set(false);
        pump();
      }, failure -> {
        LOG.debug("feed viewer {} send failed: {}", session.getRemoteSocketAddress(), failure.toString());
        sending.set(false);
      });
      if (next instanceof String s) session.sendText(s, done);
      else session.sendBinary(ByteBuffer.wrap((byte[]) next), done);
    }
  }
}
