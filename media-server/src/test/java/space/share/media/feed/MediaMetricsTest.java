package space.share.media.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import space.share.media.cmaf.Fragment;
import space.share.media.metrics.MediaMetrics;
import space.share.media.samples.AudioConfig;
import space.share.media.samples.MediaSink;
import space.share.media.samples.Sample;
import space.share.media.samples.Track;
import space.share.media.stream.LiveStream;
import space.share.media.stream.StreamRegistry;
import space.share.media.testing.AvcFixtures;
import space.share.media.testing.PrometheusText;

/** The media server's meters after driving a stream, a feed viewer and the slow-viewer rule with fakes. */
class MediaMetricsTest {
  private static final AudioConfig AUDIO = new AudioConfig(AvcFixtures.ASC_AAC_LC_48K_STEREO, 48_000, 2, "mp4a.40.2");
  private static final byte[] AAC_FRAME = HexFormat.of().parseHex("21100508");

  private final MediaMetrics metrics = new MediaMetrics();
  private final StreamRegistry streams = new StreamRegistry(metrics);
  /** Runs sends at once on the calling thread; timed tasks (disconnect grace) are dropped. */
  private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1) {
    @Override
    public void execute(Runnable command) {
      command.run();
    }

    @Override
    public java.util.concurrent.ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      return null;
    }
  };

  @AfterEach
  void close() {
    scheduler.shutdownNow();
    metrics.close();
  }

  private PrometheusText scrape() {
    return PrometheusText.parse(metrics.scrape());
  }

  private static Sample audio(int index) {
    return new Sample(Track.AUDIO, index * 21L, 0, true, ByteBuffer.wrap(AAC_FRAME), System.nanoTime(), System.currentTimeMillis());
  }

  @Test
  void publishWithViewer_countsLiveStreamViewerIngestLatencyAndBytesOut_thenRemovesTheStreamsSeries()
      throws Exception {
    LiveStream stream = streams.stream("relay1");
    FeedViewerTest.FakeSocket socket = new FeedViewerTest.FakeSocket();
    socket.completeInline = true;
    FeedViewer viewer = new FeedViewer(stream, 1 << 20, "viewer-peer", scheduler);
    viewer.onWebSocketOpen(socket.session());

    MediaSink sink = stream.beginPublish("publisher-peer");
    sink.onAudioConfig(AUDIO);
    for (int i = 0; i < 10; i++) {
      sink.onSample(audio(i));
    }

    PrometheusText live = scrape();
    assertEquals("gauge", live.type("share_space_media_streams_live"));
    assertEquals(1.0, live.value("share_space_media_streams_live"));
    assertEquals(1.0, live.value("share_space_media_viewers", "stream", "relay1"));
    assertEquals(10.0 * AAC_FRAME.length, live.value("share_space_media_ingest_bytes_total", "stream", "relay1"));
    assertEquals(10.0, live.value("share_space_media_ingest_frames_total", "stream", "relay1", "track", "audio"));
    assertEquals(0.0, live.value("share_space_media_ingest_frames_total", "stream", "relay1", "track", "video"));
    assertEquals("histogram", live.type("share_space_media_server_latency_seconds"));
    assertEquals(10.0, live.value("share_space_media_server_latency_seconds_count"));
    assertEquals(10.0, live.value("share_space_media_server_latency_seconds_bucket", "le", "+Inf"));
    // waiting + header + init segment + 10 fragments, every byte of them as sent
    double sent = live.value("share_space_media_sent_bytes_total", "output", "feed");
    assertTrue(sent > 10 * AAC_FRAME.length, "feed bytes sent: " + sent);

    sink.onEnd();
    PrometheusText ended = scrape();
    assertEquals(0.0, ended.value("share_space_media_streams_live"));
    assertFalse(ended.hasSeries("share_space_media_viewers", "stream", "relay1"));
    assertFalse(ended.hasSeries("share_space_media_ingest_bytes_total", "stream", "relay1"));
    assertNull(ended.value("share_space_media_ingest_frames_total", "stream", "relay1", "track", "audio"));
    assertEquals(10.0, ended.value("share_space_media_server_latency_seconds_count"), "the histogram is server-wide");

    // Publishing again brings the stream's series back, counting from zero.
    MediaSink again = stream.beginPublish("publisher-peer");
    again.onAudioConfig(AUDIO);
    again.onSample(audio(0));
    PrometheusText republished = scrape();
    assertEquals(1.0, republished.value("share_space_media_streams_live"));
    assertEquals(1.0, republished.value("share_space_media_ingest_frames_total", "stream", "relay1", "track", "audio"));
    assertEquals(1.0, republished.value("share_space_media_viewers", "stream", "relay1"));
    again.onEnd();
  }

  @Test
  void viewerThatNeverReads_closedTooSlow_countedOnce() {
    LiveStream stream = streams.stream("slow");
    FeedViewerTest.FakeSocket socket = new FeedViewerTest.FakeSocket(); // sends never complete
    FeedViewer viewer = new FeedViewer(stream, 10_000, "slow-peer", scheduler);
    viewer.onWebSocketOpen(socket.session());
    for (int i = 0; i < 50; i++) {
      viewer.onFragment(new Fragment(ByteBuffer.allocateDirect(4_000).asReadOnlyBuffer(), Track.VIDEO, i % 5 == 0, i, 0, 33_333, 0, 0));
    }
    assertEquals(1.0, scrape().value("share_space_media_feed_viewers_closed_total", "reason", "too_slow"));
    assertEquals(0.0, scrape().value("share_space_media_feed_viewers_closed_total", "reason", "revoked"));
  }

  @Test
  void guardRefusalsAndHlsRequests_haveOneSeriesPerReasonFromTheStart() {
    metrics.rtmpRefused(MediaMetrics.RtmpRefusal.MAX_PER_ADDRESS);
    metrics.hlsRequest(MediaMetrics.HlsRequest.PART);
    PrometheusText text = scrape();
    for (MediaMetrics.RtmpRefusal reason : MediaMetrics.RtmpRefusal.values()) {
      double expected = reason == MediaMetrics.RtmpRefusal.MAX_PER_ADDRESS ? 1 : 0;
      assertEquals(expected, text.value("share_space_media_rtmp_refused_total", "reason",
          reason.name().toLowerCase(java.util.Locale.ROOT)), reason.name());
    }
    assertEquals(1.0, text.value("share_space_media_hls_requests_total", "kind", "part"));
  }
}
