package space.share.media;

import static space.share.media.testing.LocalUrls.feed;
import static space.share.media.testing.LocalUrls.rtmp;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import space.share.media.access.AccessPolicy.StaticStream;
import space.share.media.testing.Await;
import space.share.media.testing.FeedClient;
import space.share.media.testing.Ffmpeg;

/**
 * A viewer that stops reading (its TCP window closes) is skipped, then closed (4008) and disconnected, while a
 * normal viewer of the same stream receives every fragment in order.
 */
class SlowViewerIT {
  private static final int MAX_QUEUE_BYTES = 1024 * 1024;
  private static MediaServer server;

  @BeforeAll
  static void start() throws Exception {
    server = MediaServer.start(new MediaConfig("127.0.0.1", 0, 0, "",
        Map.of("slow", new StaticStream("slow", "slow-key", /* open= */ true)), MAX_QUEUE_BYTES, 200));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Reads the first message, then never asks for more: Jetty stops reading the socket. */
  public static final class StalledViewer implements Session.Listener {
    @Override
    public void onWebSocketOpen(Session session) {
      session.demand();
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
      callback.succeed();
    }
  }

  private static void awaitSubscribers(int count, long timeoutMs) throws InterruptedException {
    Await.until(() -> server.streams().stream("slow").subscriberCount() == count, timeoutMs,
        "subscribers never became " + count);
  }

  @Test
  void stalledViewer_isClosedWithTooSlow_andOtherViewerMissesNothing() throws Exception {
    String feed = feed(server, "slow");
    ClientConnector connector = new ClientConnector();
    connector.setReceiveBufferSize(4096); // a small window fills fast
    WebSocketClient stalledClient = new WebSocketClient(new HttpClient(new org.eclipse.jetty.client.transport
        .HttpClientTransportOverHTTP(connector)));
    // Large enough for the first message (the init segment with the GOP since the keyframe): the viewer stalls by
    // not reading, not by refusing a message.
    stalledClient.setMaxBinaryMessageSize(16 * 1024 * 1024);
    stalledClient.start();
    Process publisher = Ffmpeg.publishTestPattern(rtmp(server, "slow-key"),
        "1280x720", 30, 25, List.of("-b:v", "6M", "-minrate", "6M", "-maxrate", "6M", "-bufsize", "2M",
            "-x264-params", "nal-hrd=cbr:filler=1"));
    try (FeedClient healthy = FeedClient.connect(feed)) {
      healthy.await(m -> m.isType("header"), 15_000);
      // Subscribers are the viewers plus the LL-HLS packager.
      int withoutStalled = server.streams().stream("slow").subscriberCount();
      StalledViewer stalled = new StalledViewer();
      stalledClient.connect(stalled, URI.create(feed)).get(10, TimeUnit.SECONDS);
      awaitSubscribers(withoutStalled + 1, 10_000);
      // It never reads the close frame either: the server drops its connection.
      awaitSubscribers(withoutStalled, 40_000);

      publisher.destroy();
      healthy.await(m -> m.isType("ended"), 10_000);
      // The healthy viewer's fragments carry consecutive mfhd sequence numbers: nothing was skipped for it.
      healthy.assertContiguousFragments(100);
    } finally {
      publisher.destroy();
      publisher.waitFor(10, TimeUnit.SECONDS);
      stalledClient.stop();
    }
  }
}
