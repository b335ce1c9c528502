package space.share.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static space.share.media.testing.LocalUrls.feed;
import static space.share.media.testing.LocalUrls.rtmp;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import space.share.media.access.AccessPolicy.StaticStream;
import space.share.media.ingest.rtmp.RtmpLimits;
import space.share.media.testing.Await;
import space.share.media.testing.FeedClient;
import space.share.media.testing.Ffmpeg;
import space.share.media.testing.RawPeer;
import space.share.media.testing.RtmpBytes;
import space.share.settings.HttpLimits;

/**
 * The embedded Red5 server behind the RTMP bounds, with raw-socket peers: malformed and greedy peers are closed,
 * one address cannot take more than its share of connections, and a live ffmpeg publisher and its viewer lose no
 * fragment meanwhile. Bad peers connect from other loopback addresses (127.0.0.2...) than the publisher.
 */
class RtmpLimitsIT {
  private static final int PER_ADDRESS = 4;
  private static final long CONNECT_TIMEOUT_MS = 2_000;
  private static final RtmpLimits LIMITS = new RtmpLimits(64, PER_ADDRESS, CONNECT_TIMEOUT_MS, 65536, 8 << 20,
      65536, 32, 8, 60_000);
  private static MediaServer server;

  @BeforeAll
  static void start() throws Exception {
    server = MediaServer.start(new MediaConfig("127.0.0.1", 0, 0, "",
        Map.of("lim", new StaticStream("lim", "lim-key", /* open= */ true)), 4 << 20, 200, LIMITS,
        HttpLimits.DEFAULTS));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static RawPeer peer(String address) throws Exception {
    return RawPeer.connect(address, server.rtmpPort());
  }

  /** Each is closed by the server within a second of its last byte. */
  private static List<byte[]> malformedCases() {
    return List.of(
        RtmpBytes.handshake().setChunkSize(Integer.MIN_VALUE).bytes(),
        RtmpBytes.handshake().setChunkSize(0).bytes(),
        RtmpBytes.handshake().setChunkSize(-1).bytes(),
        RtmpBytes.handshake().setChunkSize(65536).header(0, 3, 0, 0xFFFFFF, 20, 0).raw(new byte[65536]).bytes(),
        RtmpBytes.handshake().setChunkSize(65536).connect("live").header(0, 6, 0, 0xFFFFFF, 9, 1).bytes(),
        RtmpBytes.handshake().connect("evil").bytes(),
        RtmpBytes.handshake().message(6, 9, 1, new byte[100]).bytes(),
        RtmpBytes.empty().raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes()).bytes(),
        RtmpBytes.empty().raw(6).raw(new byte[1536]).bytes());
  }

  @Test
  void malformedPeers_areClosed_whileLivePublisherAndViewerLoseNothing() throws Exception {
    String feed = feed(server, "lim");
    Process publisher = Ffmpeg.publishTestPattern(rtmp(server, "lim-key"),
        "640x360", 30, 14, List.of("-vf", "noise=alls=12:allf=u", "-crf", "18"));
    try (FeedClient viewer = FeedClient.connect(feed)) {
      viewer.await(m -> m.isType("header"), 15_000);
      int rounds = 0;
      double protocolBefore = refused("protocol");
      long until = System.currentTimeMillis() + 6_000;
      while (System.currentTimeMillis() < until) {
        for (byte[] bytes : malformedCases()) {
          try (RawPeer bad = peer("127.0.0.2")) {
            assertTrue(bad.send(bytes).closedWithin(2_000), "a malformed peer (case " + rounds + ") stayed open");
          }
        }
        rounds++;
      }
      assertTrue(publisher.isAlive(), "the publisher was affected");
      Ffmpeg.Result published = Ffmpeg.await(publisher, 30_000);
      assertEquals(0, published.exitCode(), published.output());
      viewer.await(m -> m.isType("ended"), 10_000);
      viewer.assertContiguousFragments(100);
      // Keyframes of the noisy picture (116-135 KB, over the 64 KiB allowed before publishing) passed: a publisher's
      // messages may be up to max-message-bytes.
      int largest = viewer.messages().stream().filter(m -> m.binary() != null).mapToInt(m -> m.binary().length)
          .max().orElse(0);
      assertTrue(largest > LIMITS.maxMessageBytesBeforePublish(), "largest fragment only " + largest + " bytes");
      assertTrue(rounds >= 3, "only " + rounds + " rounds of malformed peers");
      assertTrue(refused("protocol") - protocolBefore >= rounds, "protocol refusals counted: "
          + (refused("protocol") - protocolBefore) + " in " + rounds + " rounds");
    } finally {
      publisher.destroy();
      publisher.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** The guard's refusals as the metrics count them ({@code share_space_media_rtmp_refused_total}). */
  private static double refused(String reason) {
    return server.metrics().registry().get("share.space.media.rtmp.refused").tag("reason", reason).counter().count();
  }

  @Test
  void silentPeer_isClosedAfterConnectTimeout() throws Exception {
    double timeoutsBefore = refused("connect_timeout");
    try (RawPeer afterHandshake = peer("127.0.0.3"); RawPeer beforeHandshake = peer("127.0.0.3")) {
      afterHandshake.send(RtmpBytes.handshake().bytes());
      beforeHandshake.send(new byte[] {3, 0, 0});
      long started = System.currentTimeMillis();
      assertTrue(afterHandshake.closedWithin(CONNECT_TIMEOUT_MS + 2_000), "a silent peer stayed open");
      assertTrue(beforeHandshake.closedWithin(2_000), "a peer stuck in the handshake stayed open");
      assertTrue(System.currentTimeMillis() - started >= CONNECT_TIMEOUT_MS - 200, "closed before the timeout");
    }
    // The deadline closes at least the silent connected peer (Red5 may drop the half handshake itself first).
    assertTrue(refused("connect_timeout") - timeoutsBefore >= 1, "the deadline's close counted as connect_timeout");
  }

  @Test
  void connectionsFromOneAddress_pastTheLimit_areRefused_othersAreNot() throws Exception {
    byte[] connected = RtmpBytes.handshake().connect("live").bytes();
    List<RawPeer> held = new ArrayList<>();
    try {
      for (int i = 0; i < PER_ADDRESS; i++) {
        held.add(peer("127.0.0.4").send(connected));
      }
      Await.until(() -> server.rtmpConnections() >= PER_ADDRESS, 5_000, "held connections not counted");
      for (RawPeer peer : held) {
        assertFalse(peer.closedWithin(200), "a connection within the limit was closed");
      }
      double refusedBefore = refused("max_per_address");
      try (RawPeer extra = peer("127.0.0.4")) {
        assertTrue(extra.send(connected).closedWithin(2_000), "connection " + (PER_ADDRESS + 1) + " was kept");
      }
      assertEquals(1, refused("max_per_address") - refusedBefore, "the refusal counted as max_per_address");
      try (RawPeer other = peer("127.0.0.5")) {
        assertFalse(other.send(connected).closedWithin(500), "another address was refused");
      }
    } finally {
      for (RawPeer peer : held) {
        peer.close();
      }
    }
    Await.until(() -> server.rtmpConnections() == 0, 5_000, "connections not released: " + server.rtmpConnections());
  }

  /**
   * Peers that claim 16 MiB messages (Red5 allocates a message's claimed length at its first chunk) are closed,
   * and the heap does not keep what they claimed.
   */
  @Test
  void greedyPeers_areClosed_andHeapDoesNotGrowByTheirClaims() throws Exception {
    long before = heapUsedAfterGc();
    List<RawPeer> peers = new ArrayList<>();
    try {
      for (int i = 0; i < 24; i++) {
        // Each from its own address: the per-address limit is not what stops them.
        RawPeer peer = peer("127.0.1." + (i + 1));
        peers.add(peer);
        RtmpBytes bytes = RtmpBytes.handshake().setChunkSize(65536).connect("live");
        for (int csid = 4; csid < 8; csid++) {
          bytes.header(0, csid, 0, 0xFFFFFF, 9, 1).raw(new byte[1024]);
        }
        peer.send(bytes.bytes());
      }
      for (RawPeer peer : peers) {
        assertTrue(peer.closedWithin(2_000), "a peer claiming 4 x 16 MiB stayed open");
      }
      long after = heapUsedAfterGc();
      System.out.printf("heap after GC: %d MiB before, %d MiB after 24 peers claiming 4 x 16 MiB each%n",
          before >> 20, after >> 20);
      assertTrue(after - before < 64L << 20, "heap grew by " + ((after - before) >> 20) + " MiB");
    } finally {
      for (RawPeer peer : peers) {
        peer.close();
      }
    }
  }

  private static long heapUsedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
