package space.share.media.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import space.share.media.cmaf.Fragment;
import space.share.media.metrics.MediaMetrics;
import space.share.media.samples.Track;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HlsPackagerTest {
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_763_700_000L), ZoneOffset.UTC);
  static final long FIRST_MSN = 1_763_700_000L;

  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private HlsPackager packager(int partTargetMs) {
    return new HlsPackager("room1", HlsSettings.withPartTargetMs(partTargetMs), CLOCK, executor);
  }

  @Test
  void onFragment_30fpsWithOneSecondGop_cutsOneSecondSegmentsOfFiveIndependentFirstParts() {
    HlsPackager packager = packager(200);
    new FakePublisher(packager, 30, 30, true).begin(FakePublisher.init(1280, 720), 1, 0).run(3_500);
    HlsSnapshot snapshot = packager.snapshot();

    List<HlsSegment> complete = snapshot.segments().stream().filter(HlsSegment::complete).toList();
    assertEquals(3, complete.size());
    for (int i = 0; i < complete.size(); i++) {
      HlsSegment segment = complete.get(i);
      assertEquals(FIRST_MSN + i, segment.msn());
      assertEquals(1_000_000, segment.durationUs(), "segment " + i);
      assertEquals(5, segment.parts().size());
      assertTrue(segment.parts().get(0).independent());
      assertTrue(segment.parts().stream().skip(1).noneMatch(HlsPart::independent));
      assertTrue(label(segment.parts().get(0)).startsWith("v" + 30 * i + "K"), label(segment.parts().get(0)));
    }
    // The open segment: 2 finished parts (0-400 ms), part 2 being written and hinted.
    HlsSegment open = snapshot.segments().get(3);
    assertFalse(open.complete());
    assertEquals(2, open.parts().size());
    assertEquals(FIRST_MSN + 3, snapshot.openPart().msn());
    assertEquals(2, snapshot.openPart().index());
  }

  @ParameterizedTest(name = "{0} fps, {1} ms parts, GOP {2}")
  @CsvSource({"30,200,30", "25,200,50", "60,200,60", "29.97,200,30", "30,300,60", "24,250,48", "15,200,30"})
  void onFragment_anyFrameRate_partsNeverExceedPartTargetAndAddUpToSegments(double fps, int partTargetMs, int gop) {
    HlsPackager packager = packager(partTargetMs);
    new FakePublisher(packager, fps, gop, true).begin(FakePublisher.init(640, 360), 1, 12_345).run(10_000).end();
    HlsSnapshot snapshot = packager.snapshot();
    assertTrue(snapshot.segments().size() >= 4);
    for (HlsSegment segment : snapshot.segments()) {
      long sumUs = 0;
      for (HlsPart part : segment.parts()) {
        long reportedUs = PlaylistWriter.reportedPartDurationUs(part, snapshot.settings());
        assertTrue(reportedUs <= partTargetMs * 1000L, part + " reported " + reportedUs + " us");
        assertTrue(part.durationUs() > 0, part.toString());
        sumUs += part.durationUs();
      }
      assertEquals(sumUs, segment.durationUs());
      assertTrue(segment.durationUs() <= snapshot.settings().targetDurationUs());
    }
  }

  @Test
  void onFragment_audioBetweenVideoFrames_ridesInThePartOpenWhenItArrives() {
    HlsPackager packager = packager(200);
    new FakePublisher(packager, 30, 30, true).begin(FakePublisher.init(1280, 720), 1, 0).run(1_100);
    HlsPart first = packager.snapshot().segments().get(0).parts().get(0);
    // 0-200 ms: video frames 0..5 and the AAC frames (21.3 ms each) decoding before frame 6, in arrival order.
    assertEquals("v0Ka0a1v1a2a3v2a4v3a5a6v4a7v5a8a9", label(first));
    assertEquals(200_000, first.durationUs());
  }

  @Test
  void onEnded_closesTheOpenPartAndSegmentAndDropsTheHint() {
    HlsPackager packager = packager(200);
    FakePublisher publisher = new FakePublisher(packager, 30, 30, true).begin(FakePublisher.init(1280, 720), 1, 0)
        .run(1_500);
    publisher.end();
    HlsSnapshot snapshot = packager.snapshot();
    assertTrue(snapshot.ended());
    assertNull(snapshot.openPart());
    assertTrue(snapshot.segments().stream().allMatch(HlsSegment::complete));
    assertEquals(2, snapshot.segments().size());
    // The last part ends with the last frame's estimated duration (1467 ms + 34 ms).
    assertEquals(501_000, snapshot.segments().get(1).durationUs());
    assertTrue(snapshot.satisfies(FIRST_MSN + 5, 0), "an ended stream answers blocking reloads at once");
  }

  @Test
  void onInit_publisherComesBack_newGenerationAfterDiscontinuityWithIncreasingMsn() {
    HlsPackager packager = packager(200);
    FakePublisher publisher = new FakePublisher(packager, 30, 30, true);
    publisher.begin(FakePublisher.init(1280, 720), 1, 0).run(2_000).end();
    publisher.begin(FakePublisher.init(640, 360), 2, 0).run(1_500);
    HlsSnapshot snapshot = packager.snapshot();
    assertFalse(snapshot.ended());
    assertEquals(2, snapshot.generation());
    List<HlsSegment> segments = snapshot.segments();
    assertEquals(List.of(1, 1, 2, 2), segments.stream().map(HlsSegment::generation).toList());
    assertEquals(List.of(false, false, true, false), segments.stream().map(HlsSegment::discontinuity).toList());
    for (int i = 0; i < segments.size(); i++) {
      assertEquals(FIRST_MSN + i, segments.get(i).msn());
    }
    assertEquals(640, snapshot.currentInit().width());
    assertNotNull(snapshot.inits().get(1), "generation 1 is still in the window");
  }

  @Test
  void window_longStream_dropsOldSegmentsKeepsSomeFetchableAndCountsDiscontinuities() {
    HlsPackager packager = packager(200);
    FakePublisher publisher = new FakePublisher(packager, 30, 30, true);
    publisher.begin(FakePublisher.init(1280, 720), 1, 0).run(3_000).end();
    publisher.begin(FakePublisher.init(1280, 720), 2, 0).run(40_000);
    HlsSnapshot snapshot = packager.snapshot();
    long coveredUs = snapshot.segments().stream().filter(HlsSegment::complete).mapToLong(HlsSegment::durationUs)
        .sum();
    assertTrue(coveredUs >= 24_000_000 && coveredUs <= 25_000_000, "window " + coveredUs);
    assertEquals(1, snapshot.discontinuitySequence());
    assertEquals(4, snapshot.retired().size());
    HlsSegment oldest = snapshot.retired().get(0);
    assertTrue(snapshot.completeSegment(oldest.msn()).isPresent());
    assertTrue(snapshot.completeSegment(oldest.msn() - 1).isEmpty());
    assertEquals(List.of(2), List.copyOf(snapshot.inits().keySet()), "generation 1 left the window");
  }

  @Test
  void tooFarAhead_followsTheSpecLimits() {
    HlsPackager packager = packager(200);
    new FakePublisher(packager, 30, 30, true).begin(FakePublisher.init(1280, 720), 1, 0).run(2_500);
    HlsSnapshot snapshot = packager.snapshot();
    // Last complete segment: FIRST_MSN + 1; last part: (FIRST_MSN + 2, 1).
    assertFalse(snapshot.tooFarAhead(FIRST_MSN + 3, -1));
    assertTrue(snapshot.tooFarAhead(FIRST_MSN + 4, -1));
    assertFalse(snapshot.tooFarAhead(FIRST_MSN + 2, 16));
    assertTrue(snapshot.tooFarAhead(FIRST_MSN + 2, 17));
    assertTrue(snapshot.satisfies(FIRST_MSN + 2, 1));
    assertFalse(snapshot.satisfies(FIRST_MSN + 2, 2));
    assertFalse(snapshot.satisfies(FIRST_MSN + 2, -1));
  }

  @Test
  void await_partNotYetWritten_answersWhenTheWriterPublishesIt() throws Exception {
    HlsPackager packager = packager(200);
    FakePublisher publisher = new FakePublisher(packager, 30, 30, true)
        .begin(FakePublisher.init(1280, 720), 1, 0).run(300);
    CompletableFuture<HlsSnapshot> answered = new CompletableFuture<>();
    packager.await(s -> s.satisfies(FIRST_MSN, 2), 5_000, answered::complete,
        () -> answered.completeExceptionally(new AssertionError("timed out")));
    assertEquals(1, packager.waitingRequests());
    assertFalse(answered.isDone());
    publisher.run(650); // part 2 closes when the frame at 600 ms arrives
    HlsSnapshot snapshot = answered.get(5, TimeUnit.SECONDS);
    assertTrue(snapshot.satisfies(FIRST_MSN, 2));
    assertEquals(0, packager.waitingRequests());
  }

  @Test
  void await_nothingPublished_timesOutOnce() throws Exception {
    HlsPackager packager = packager(200);
    new FakePublisher(packager, 30, 30, true).begin(FakePublisher.init(1280, 720), 1, 0).run(300);
    CompletableFuture<String> outcome = new CompletableFuture<>();
    packager.await(s -> s.satisfies(FIRST_MSN + 1, -1), 100, s -> outcome.complete("ready"),
        () -> outcome.complete("timeout"));
    assertEquals("timeout", outcome.get(5, TimeUnit.SECONDS));
    assertEquals(0, packager.waitingRequests());
  }

  @Test
  void await_countsOnlyRequestsThatWait_andThoseTheTimeoutAnswers() throws Exception {
    MediaMetrics metrics = new MediaMetrics();
    HlsPackager packager = new HlsPackager("room1", HlsSettings.withPartTargetMs(200), CLOCK, executor, metrics);
    new FakePublisher(packager, 30, 30, true).begin(FakePublisher.init(1280, 720), 1, 0).run(300);
    packager.await(HlsSnapshot::hasMedia, 100, s -> { }, () -> { }); // answered at once: no wait
    CompletableFuture<String> outcome = new CompletableFuture<>();
    packager.await(s -> s.satisfies(FIRST_MSN + 1, -1), 100, s -> outcome.complete("ready"),
        () -> outcome.complete("timeout"));
    assertEquals("timeout", outcome.get(5, TimeUnit.SECONDS));
    assertEquals(1.0, metrics.registry().get("share.space.media.hls.blocking.waits").counter().count());
    assertEquals(1.0, metrics.registry().get("share.space.media.hls.blocking.waits.timed.out").counter().count());
    metrics.close();
  }

  @Test
  void openPart_readerSeesEveryAppendedFragmentInOrderThenClosed() {
    HlsPackager packager = packager(200);
    FakePublisher publisher = new FakePublisher(packager, 30, 30, false)
        .begin(FakePublisher.init(1280, 720), 1, 0).run(250);
    OpenPart hinted = packager.snapshot().openPart();
    assertEquals(1, hinted.index());
    List<String> seen = new java.util.ArrayList<>();
    hinted.addListener(() -> seen.add(hinted.fragments().size() + (hinted.isClosed() ? "closed" : "")));
    publisher.run(450);
    // Frames 6 and 7 were in when we looked; 8..11 follow; frame 12 (400 ms) closes it.
    assertEquals(List.of("3", "4", "5", "6", "6closed"), seen);
  }

  @Test
  void buffers_fragmentsInOneSlab_viewsOfTheSharedBytesOnePerContiguousRun() {
    ByteBuffer slab = ByteBuffer.allocateDirect(64);
    ByteBuffer readOnly = slab.asReadOnlyBuffer();
    HlsPart part = new HlsPart(0, 0, 0, 100_000, true,
        List.of(slabFragment(readOnly, 0, 10), slabFragment(readOnly, 10, 20), slabFragment(readOnly, 40, 5)));
    List<ByteBuffer> buffers = part.buffers();
    assertEquals(List.of(30, 5), buffers.stream().map(ByteBuffer::remaining).toList());
    assertEquals(35, part.sizeBytes());
    slab.put(12, (byte) 7);
    assertEquals(7, buffers.get(0).get(12), "the part holds a copy of the feed's bytes");
    assertTrue(buffers.get(0).isReadOnly());
  }

  private static Fragment slabFragment(ByteBuffer slab, int offset, int sizeBytes) {
    return new Fragment(slab.slice(offset, sizeBytes), Track.VIDEO, offset == 0, 1, 0, 33_333, 0, 0, slab, offset);
  }

  static String label(HlsPart part) {
    StringBuilder label = new StringBuilder();
    part.fragments().forEach(f -> label.append(new String(f.copyBytes(), StandardCharsets.US_ASCII)));
    return label.toString();
  }
}
