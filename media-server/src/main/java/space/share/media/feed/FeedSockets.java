package space.share.media.feed;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.media.access.AccessPolicy;
import space.share.media.access.ViewRefusal;
import space.share.media.status.MediaStatus;
import space.share.media.stream.StreamRegistry;

/** Maps {@code /live/{streamId}/feed} to {@link FeedViewer}s, checking each viewer's token first. */
public final class FeedSockets {
  private static final Logger log = LoggerFactory.getLogger(FeedSockets.class);
  private static final AtomicInteger SENDER_IDS = new AtomicInteger();
  static final long EXPIRY_CHECK_INTERVAL_MS = 1000;
  private static final Pattern FEED_PATH = Pattern.compile("^/live/([A-Za-z0-9_-]{1,64})/feed$");

  private FeedSockets() {}

  public static WebSocketUpgradeHandler handler(Server server, StreamRegistry streams, AccessPolicy access,
      int maxQueueBytes) {
    return handler(server, streams, access, maxQueueBytes, new OpenViewers(access.revocations()));
  }

  /** @param openViewers the open viewers a revocation closes; registered with {@code access}'s revocations */
  public static WebSocketUpgradeHandler handler(Server server, StreamRegistry streams, AccessPolicy access,
      int maxQueueBytes, OpenViewers openViewers) {
    // Writes to viewers start on a few threads, one per core: a thread per busy viewer would only compete with the
    // ingest thread for the CPU. Writes that cannot finish at once continue on Jetty's selector-driven threads.
    ScheduledExecutorService senders = Executors.newScheduledThreadPool(Runtime.getRuntime().availableProcessors(),
        runnable -> {
      Thread thread = new Thread(runnable, "feed-sender-" + SENDER_IDS.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    // Viewers whose media token expired are closed within a second of the expiry (the token is checked only once, at
    // the upgrade); a player with a valid member session fetches a fresh token and reconnects.
    senders.scheduleWithFixedDelay(() -> {
      try {
        openViewers.closeExpired();
      } catch (RuntimeException e) {
        log.warn("closing viewers with expired tokens failed", e);
      }
    }, EXPIRY_CHECK_INTERVAL_MS, EXPIRY_CHECK_INTERVAL_MS, TimeUnit.MILLISECONDS);
    SendStarts sendStarts = new SendStarts(senders, Runtime.getRuntime().availableProcessors());
    server.addEventListener(new LifeCycle.Listener() {
      @Override
      public void lifeCycleStopped(LifeCycle event) {
        senders.shutdownNow();
      }
    });
    return WebSocketUpgradeHandler.from(server, container -> {
      // Viewers only receive; a feed waiting for its publisher may be silent for a long time.
      container.setIdleTimeout(Duration.ofHours(1));
      container.setMaxTextMessageSize(4096);
      container.setMaxBinaryMessageSize(4096);
      container.addMapping("regex|" + FEED_PATH.pattern(), (request, response, callback) -> {
        // No permessage-deflate, which browsers offer: compressed video hardly shrinks, and each viewer would get its
        // own zlib state (hundreds of KB) and its own compressed copy of every fragment instead of the shared one.
        response.setExtensions(List.of());
        String peer = Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
        Matcher path = FEED_PATH.matcher(Request.getPathInContext(request));
        if (!path.matches()) {
          return new Refusal(MediaStatus.NOT_FOUND, "no such feed");
        }
        String streamId = path.group(1);
        String token = token(request);
        Optional<ViewRefusal> refused = ViewRefusal.of(access.canView(streamId, token), streamId, token, peer,
            "feed", log);
        if (refused.isPresent()) {
          return new Refusal(refused.get().status(), refused.get().message());
        }
        return new FeedViewer(streams.stream(streamId), maxQueueBytes, peer, sendStarts, senders,
            access.isRoomStream(streamId) ? AccessPolicy.memberIdOf(token) : null, openViewers,
            AccessPolicy.expiresEpochSecondsOf(token));
      });
    });
  }

  private static String token(ServerUpgradeRequest request) {
    Fields query = Request.extractQueryParameters(request);
    List<String> values = query.getValues("token");
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /**
   * Accepts the upgrade and closes at once with a close code: browsers cannot read an HTTP status from a failed
   * handshake, but they do see the close code and reason.
   */
  public static final class Refusal implements Session.Listener.AutoDemanding {
    private final MediaStatus status;
    private final String reason;

    Refusal(MediaStatus status, String reason) {
      this.status = status;
      this.reason = reason;
    }

    @Override
    public void onWebSocketOpen(Session session) {
      session.close(status.closeCode(), reason, Callback.NOOP);
    }
  }
}
