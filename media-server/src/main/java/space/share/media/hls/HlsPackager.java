package space.share.media.hls;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.media.cmaf.Fragment;
import space.share.media.cmaf.InitSegment;
import space.share.media.metrics.MediaMetrics;
import space.share.media.samples.Track;
import space.share.media.stream.StreamSubscriber;

/**
 * Cuts one stream's CMAF fragments into LL-HLS parts and segments, and publishes the result as an immutable
 * {@link HlsSnapshot}. Nothing is re-encoded or re-muxed: a part is consecutive fragments end to end, a segment
 * its parts end to end.
 *
 * <p>Cut rules. The <em>timeline</em> track is video (audio for an audio-only stream); audio fragments ride in the
 * part that is open when they arrive. A part stays open until the next timeline fragment {@code f} arrives, which
 * decides:
 * <ul>
 *   <li>a video keyframe closes the part and the segment: {@code f} starts segment {@code msn+1}, part 0,
 *       INDEPENDENT=YES (so a 1 s GOP gives 1 s segments);
 *   <li>a segment that would outgrow EXT-X-TARGETDURATION without a keyframe is cut anyway (never with our
 *       publishers, which send a keyframe every second);
 *   <li>else the part closes when {@code f} would take it past PART-TARGET: {@code f.decode + f.duration - start >
 *       target + 1 ms} ({@code f.duration} is the muxer's estimate, the last frame interval). The 1 ms absorbs
 *       RTMP's millisecond clock: six 30 fps frames span 199-201 ms.
 * </ul>
 * A part's duration is the decode-time distance from its first timeline sample to the next part's first, exact
 * and known when the part closes; the playlist reports it clamped to PART-TARGET when it is within that 1 ms.
 * Waiting for the next timeline fragment costs one frame interval of latency, and buys exact durations and a part
 * name ({@code part-{msn}.{i}}) that is final the moment the part opens, which the preload hint needs.
 *
 * <p>Threading: the {@code on*} methods run on the stream's writer (ingest) thread, one at a time, under the stream's
 * monitor (the replay when the packager subscribes runs on the subscribing thread, under the same monitor); only
 * they touch the writer fields. Readers take {@link #snapshot()} without locks. Blocking requests park with
 * {@link #await}, which never holds a thread: the writer hands wake-ups to {@code executor}.
 */
public final class HlsPackager implements StreamSubscriber {
  /** An output, not a person watching: not counted among a stream's viewers. */
  @Override
  public boolean isViewer() {
    return false;
  }

  private static final Logger log = LoggerFactory.getLogger(HlsPackager.class);
  private static final long PART_SLACK_US = 1_000;

  private final String streamId;
  private final HlsSettings settings;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final MediaMetrics metrics;
  private final Queue<Waiter> waiters = new ConcurrentLinkedQueue<>();
  private volatile HlsSnapshot snapshot;

  // Writer state: the stream's writer thread only.
  private final Map<Integer, InitSegment> inits = new HashMap<>();
  private final Deque<HlsSegment> window = new ArrayDeque<>();
  private final Deque<HlsSegment> retired = new ArrayDeque<>();
  private int generation;
  private boolean timelineIsVideo;
  private long nextMsn = -1;
  private HlsSegment openSegment;
  private OpenPart openPart;
  private long partStartUs;
  private long lastTimelineEndUs;
  private long anchorEpochMs;
  private long anchorUs;
  private boolean discontinuityPending;
  private int discontinuitySequence;
  private boolean ended;

  /**
   * @param clock numbers the first segment: its media sequence number is the epoch second of the first publish,
   *     so URLs stay unique across origin restarts (a cache never serves an old {@code part-M.P} for a new one)
   * @param executor runs wake-ups and blocking-request timeouts; never the writer's thread
   */
  public HlsPackager(String streamId, HlsSettings settings, Clock clock, ScheduledExecutorService executor) {
    this(streamId, settings, clock, executor, new MediaMetrics());
  }

  /** @param metrics counts the requests that wait and those the timeout answers */
  public HlsPackager(String streamId, HlsSettings settings, Clock clock, ScheduledExecutorService executor,
      MediaMetrics metrics) {
    this.streamId = streamId;
    this.settings = settings;
    this.clock = clock;
    this.executor = executor;
    this.metrics = metrics;
    this.snapshot = HlsSnapshot.empty(settings);
  }

  public String streamId() {
    return streamId;
  }

  public HlsSettings settings() {
    return settings;
  }

  /** The latest published state. */
  HlsSnapshot snapshot() {
    return snapshot;
  }

  @Override
  public void onInit(InitSegment init, int newGeneration) {
    if (openPart != null) {
      // A codec change mid-publish: finish what we have; the new init starts after a discontinuity.
      finishSegment(lastTimelineEndUs);
    }
    if (nextMsn < 0) {
      nextMsn = clock.instant().getEpochSecond();
    }
    discontinuityPending = !window.isEmpty();
    generation = newGeneration;
    timelineIsVideo = init.hasVideo();
    inits.put(newGeneration, init);
    ended = false;
    publish();
  }

  @Override
  public void onFragment(Fragment fragment) {
    if (generation == 0 || ended) {
      return;
    }
    boolean timeline = (fragment.track() == Track.VIDEO) == timelineIsVideo;
    if (!timeline) {
      if (openPart != null) {
        openPart.append(fragment);
      }
      // Audio ahead of the first video keyframe has no part to ride in; the stream starts at the keyframe.
      return;
    }
    if (openPart == null) {
      if (timelineIsVideo && !fragment.independent()) {
        return; // wait for a keyframe (only after a codec change that did not start with one)
      }
      anchorEpochMs = fragment.arrivalEpochMs();
      anchorUs = fragment.decodeTimeUs();
      startSegment(fragment);
      publish();
      return;
    }
    long segmentEndUs = fragment.decodeTimeUs() + fragment.durationUs();
    boolean keyframe = timelineIsVideo && fragment.independent();
    long segmentLimitUs = timelineIsVideo ? settings.targetDurationUs()
        : Math.min(settings.targetDurationUs(), 1_000_000);
    boolean cutSegment = keyframe || segmentEndUs - openSegment.startUs() > segmentLimitUs;
    boolean cutPart = cutSegment || segmentEndUs - partStartUs > settings.partTargetUs() + PART_SLACK_US;
    if (!cutPart) {
      openPart.append(fragment);
      lastTimelineEndUs = segmentEndUs;
      return;
    }
    if (cutSegment) {
      finishSegment(fragment.decodeTimeUs());
      startSegment(fragment);
    } else {
      finishPart(fragment.decodeTimeUs());
      startPart(fragment, openSegment.parts().size(), /* independent= */ !timelineIsVideo);
    }
    publish();
  }

  @Override
  public void onEnded() {
    if (openPart != null) {
      finishSegment(lastTimelineEndUs);
    }
    ended = true;
    publish();
  }

  /** Closes the open part at {@code endUs} and adds it to the open segment. */
  private void finishPart(long endUs) {
    List<Fragment> fragments = openPart.close();
    long durationUs = Math.max(0, endUs - partStartUs);
    openSegment = openSegment.withPart(
        new HlsPart(openPart.msn(), openPart.index(), partStartUs, durationUs, openPart.independent(), fragments));
    openPart = null;
  }

  private void finishSegment(long endUs) {
    finishPart(endUs);
    window.addLast(openSegment.completed());
    openSegment = null;
    trimWindow();
  }

  private void startSegment(Fragment first) {
    long msn = nextMsn++;
    long startEpochMs = anchorEpochMs + (first.decodeTimeUs() - anchorUs) / 1000;
    openSegment = HlsSegment.open(msn, generation, discontinuityPending, startEpochMs, first.decodeTimeUs());
    discontinuityPending = false;
    startPart(first, 0, /* independent= */ !timelineIsVideo || first.independent());
  }

  private void startPart(Fragment first, int index, boolean independent) {
    openPart = new OpenPart(openSegment.msn(), index, independent);
    partStartUs = first.decodeTimeUs();
    openPart.append(first);
    lastTimelineEndUs = first.decodeTimeUs() + first.durationUs();
  }

  /** Drops the oldest segments while the rest still cover the window; keeps a few of them fetchable. */
  private void trimWindow() {
    long coveredUs = 0;
    for (HlsSegment segment : window) {
      coveredUs += segment.durationUs();
    }
    while (window.size() > 1 && coveredUs - window.peekFirst().durationUs() >= settings.windowUs()) {
      HlsSegment dropped = window.removeFirst();
      coveredUs -= dropped.durationUs();
      if (dropped.discontinuity()) {
        discontinuitySequence++;
      }
      retired.addLast(dropped);
      while (retired.size() > settings.retainedSegments()) {
        retired.removeFirst();
      }
    }
    Set<Integer> referenced = new HashSet<>();
    referenced.add(generation);
    window.forEach(s -> referenced.add(s.generation()));
    retired.forEach(s -> referenced.add(s.generation()));
    inits.keySet().retainAll(referenced);
  }

  private void publish() {
    List<HlsSegment> segments = new ArrayList<>(window);
    if (openSegment != null) {
      segments.add(openSegment);
    }
    snapshot = new HlsSnapshot(settings, Map.copyOf(inits), generation, List.copyOf(segments),
        List.copyOf(retired), openPart, ended, discontinuitySequence, Math.max(nextMsn, 0));
    if (!waiters.isEmpty()) {
      executor.execute(this::wakeWaiters);
    }
  }

  /**
   * Calls {@code ready} with the first snapshot for which {@code condition} holds, or {@code timedOut} after
   * {@code timeoutMs}; exactly one of them runs. If the condition already holds, {@code ready} runs on the
   * caller's thread before this returns; otherwise later on the executor. No thread waits in between.
   */
  void await(Predicate<HlsSnapshot> condition, long timeoutMs, Consumer<HlsSnapshot> ready, Runnable timedOut) {
    HlsSnapshot now = snapshot;
    if (condition.test(now)) {
      ready.accept(now);
      return;
    }
    Waiter waiter = new Waiter(condition, ready);
    waiters.add(waiter);
    metrics.hlsWaitStarted();
    waiter.timeout = executor.schedule(() -> {
      if (waiter.claim()) {
        waiters.remove(waiter);
        metrics.hlsWaitTimedOut();
        timedOut.run();
      }
    }, timeoutMs, TimeUnit.MILLISECONDS);
    // The writer may have published between our check and add, and seen no waiter: look again.
    HlsSnapshot again = snapshot;
    if (condition.test(again) && waiter.claim()) {
      waiters.remove(waiter);
      waiter.timeout.cancel(false);
      ready.accept(again);
    }
  }

  /** How many blocking requests are parked (for tests and the benchmark). */
  int waitingRequests() {
    return waiters.size();
  }

  private void wakeWaiters() {
    HlsSnapshot current = snapshot;
    for (Waiter waiter : waiters) {
      if (waiter.condition.test(current) && waiter.claim()) {
        waiters.remove(waiter);
        ScheduledFuture<?> timeout = waiter.timeout;
        if (timeout != null) {
          timeout.cancel(false);
        }
        try {
          waiter.ready.accept(current);
        } catch (RuntimeException e) {
          log.warn("stream {}: answering a blocked request failed", streamId, e);
        }
      }
    }
  }

  private static final class Waiter {
    final Predicate<HlsSnapshot> condition;
    final Consumer<HlsSnapshot> ready;
    final AtomicBoolean done = new AtomicBoolean();
    volatile ScheduledFuture<?> timeout;

    Waiter(Predicate<HlsSnapshot> condition, Consumer<HlsSnapshot> ready) {
      this.condition = condition;
      this.ready = ready;
    }

    boolean claim() {
      return done.compareAndSet(false, true);
    }
  }
}
