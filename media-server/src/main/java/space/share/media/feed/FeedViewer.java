package space.share.media.feed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.media.cmaf.Fragment;
import space.share.media.cmaf.InitSegment;
import space.share.media.metrics.MediaMetrics.ViewerClose;
import space.share.media.samples.Track;
import space.share.media.status.MediaStatus;
import space.share.media.stream.LiveStream;
import space.share.media.stream.StreamSubscriber;
import space.share.web.GracefulClose;
import space.share.web.SendLoop;

/**
 * One WebSocket viewer of the fMP4 feed (docs/protocol.md): a byte-bounded queue with at most one send in flight.
 *
 * <p>Fragments are shared, read-only, by every viewer: enqueueing is a pointer and a counter, and sending hands
 * Jetty a view of the shared buffer (never a per-viewer copy). A viewer whose queue passes its byte bound drops
 * what it has queued and waits for the next keyframe (it skips forward); one that has to skip {@value #MAX_SKIPS}
 * times within {@value #SKIP_WINDOW_MS} ms is closed with {@link MediaStatus#VIEWER_TOO_SLOW}. Nothing it does slows
 * the ingest or any other viewer.
 *
 * <p>A joining viewer gets the header, the init segment, then one message of the fragments since the latest keyframe,
 * queued together and sent back to back, so a player can show that keyframe at once.
 *
 * <p>Threading: {@code on*} subscriber calls come from the stream's writer thread and only queue; writes start on
 * {@code sendStarts} and continue on Jetty's completion threads ({@link SendLoop}). State is guarded by {@code this};
 * the socket write itself is started outside the lock.
 */
public final class FeedViewer implements Session.Listener.AutoDemanding, StreamSubscriber, SendLoop.Source {
  private static final Logger log = LoggerFactory.getLogger(FeedViewer.class);
  static final int MAX_SKIPS = 3;
  static final long SKIP_WINDOW_MS = 30_000;
  /**
   * Audio of a stream with video waits for the next video frame, at most this much of it (a video gap), so that a
   * viewer gets one send per video frame rather than about 2.5 (AAC at 48 kHz has ~47 frames a second, video 30):
   * every send costs a socket write, a Jetty flush and a completion, which at hundreds of viewers dominated the
   * server's CPU. Audio is held at most one video frame interval (33 ms at 30 fps), and players buffer it longer.
   * Only audio whose video is still to come waits: audio older than the newest video frame queued (a publisher
   * that does not interleave, like the room desktop's split encoder, where the audio of a moment comes ~60 ms after
   * its video) goes at once, since the player holds the picture for the sound.
   */
  static final long MAX_AUDIO_HOLD_US = 100_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A queued init segment: a binary message of its own (the fragments queued behind it go out in the next one). */
  private record Init(ByteBuffer bytes) {}

  private final LiveStream stream;
  private final int maxQueueBytes;
  private final String peerName;
  private final SendLoop sends;
  private final GracefulClose closer;
  /** Fails the send loop when an earlier frame of a message fails (its last frame completes the loop). */
  private final Callback framePart;
  /** The member the viewer's token named (null: an open stream, or no member token); revocations match on it. */
  private final String memberId;
  private final OpenViewers openViewers;
  /** When the viewer's token expires (epoch seconds; {@link Long#MAX_VALUE}: never): {@link OpenViewers} closes it then. */
  private final long expiresEpochSeconds;
  /** Text (a control message: never dropped), {@link Init} or {@link Fragment}, oldest first. */
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  /** The message being sent, reused: taken under the lock, sent outside it by the one send loop. */
  private final List<Object> batch = new ArrayList<>();
  private Session session;
  /** Queued and in flight. */
  private int queuedBytes;
  private int inFlightBytes;
  private boolean awaitingKeyframe;
  /** The stream has video: its audio may wait for the next video frame ({@link #MAX_AUDIO_HOLD_US}). */
  private boolean hasVideo;
  /** Duration of the audio queued since the last send was requested. */
  private long heldAudioUs;
  private long newestVideoUs = Long.MIN_VALUE;
  private boolean closed;
  private int skipsInWindow;
  private long skipWindowStartMs;
  private long droppedFragments;

  /** @param scheduler starts socket writes (off the ingest thread) and times the disconnect of a closed viewer */
  FeedViewer(LiveStream stream, int maxQueueBytes, String peerName, ScheduledExecutorService scheduler) {
    this(stream, maxQueueBytes, peerName, scheduler, null, null);
  }

  /**
   * @param memberId the member the viewer's token named, or null
   * @param openViewers where the viewer registers while open so that a revocation can close it, or null
   */
  FeedViewer(LiveStream stream, int maxQueueBytes, String peerName, ScheduledExecutorService scheduler,
      String memberId, OpenViewers openViewers) {
    this(stream, maxQueueBytes, peerName, scheduler, memberId, openViewers, Long.MAX_VALUE);
  }

  /** @param expiresEpochSeconds when the viewer's media token expires ({@link Long#MAX_VALUE}: it has none) */
  FeedViewer(LiveStream stream, int maxQueueBytes, String peerName, ScheduledExecutorService scheduler,
      String memberId, OpenViewers openViewers, long expiresEpochSeconds) {
    this(stream, maxQueueBytes, peerName, scheduler, scheduler, memberId, openViewers, expiresEpochSeconds);
  }

  /** @param sendStarts starts socket writes off the ingest thread ({@link SendStarts}); {@code scheduler} times */
  FeedViewer(LiveStream stream, int maxQueueBytes, String peerName, Executor sendStarts,
      ScheduledExecutorService scheduler, String memberId, OpenViewers openViewers, long expiresEpochSeconds) {
    this.expiresEpochSeconds = expiresEpochSeconds;
    this.stream = stream;
    this.sends = new SendLoop(this, sendStarts);
    this.framePart = Callback.from(() -> { }, sends::fail);
    this.closer = new GracefulClose(scheduler, GracefulClose.DEFAULT_GRACE_MS);
    this.maxQueueBytes = maxQueueBytes;
    this.peerName = peerName;
    this.memberId = memberId;
    this.openViewers = openViewers;
  }

  String streamId() {
    return stream.id();
  }

  String memberId() {
    return memberId;
  }

  long expiresEpochSeconds() {
    return expiresEpochSeconds;
  }

  /**
   * The room controller revoked this viewer's token: stop sending and close with {@link MediaStatus#FORBIDDEN}
   * (4403, the code of a refused token, so a player asks the controller for a fresh token, which a member whose
   * session ended does not get). Callable from any thread; idempotent.
   */
  void revoke() {
    closeForToken("media token revoked", "media token of member " + memberId + " revoked", ViewerClose.REVOKED);
  }

  /**
   * The viewer's media token expired: closed like a revoked one (4403, reason {@code media token expired}); a player
   * whose member session is still valid gets a fresh token from the room controller and reconnects. Any thread.
   */
  void expire() {
    closeForToken("media token expired", "media token of member " + memberId + " expired", ViewerClose.EXPIRED);
  }

  private void closeForToken(String reason, String logReason, ViewerClose why) {
    Session toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closeQueue();
      toClose = session;
    }
    stream.unsubscribe(this);
    if (openViewers != null) {
      openViewers.closed(this);
    }
    stream.metrics().viewerClosed(why);
    log.info("viewer {} of stream {} closed: {}", peerName, stream.id(), logReason);
    if (toClose != null) {
      closer.close(toClose, MediaStatus.FORBIDDEN.closeCode(), reason);
    }
  }

  @Override
  public void onWebSocketOpen(Session newSession) {
    synchronized (this) {
      session = newSession;
    }
    if (!stream.isLive()) {
      enqueue("{\"type\":\"waiting\"}");
    }
    stream.subscribe(this);
    if (openViewers != null) {
      openViewers.opened(this);
    }
    log.debug("viewer {} joined stream {}", peerName, stream.id());
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    stream.unsubscribe(this);
    if (openViewers != null) {
      openViewers.closed(this);
    }
    synchronized (this) {
      closeQueue();
    }
    log.debug("viewer {} left stream {} ({} {})", peerName, stream.id(), statusCode, reason);
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    log.debug("viewer {} of stream {}: {}", peerName, stream.id(), cause.toString());
  }

  @Override
  public void onInit(InitSegment init, int generation) {
    onJoin(init, generation, List.of());
  }

  /** The header, the init segment, then {@code sinceKeyframe}: queued at once, so the GOP goes out as one message. */
  @Override
  public void onJoin(InitSegment init, int generation, List<Fragment> sinceKeyframe) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("type", "header");
    header.put("streamId", stream.id());
    header.put("mimeType", init.mimeType());
    header.put("codecs", init.codecs());
    header.put("width", init.width());
    header.put("height", init.height());
    header.put("frameRate", init.frameRate());
    header.put("hasVideo", init.hasVideo());
    header.put("hasAudio", init.hasAudio());
    header.put("generation", generation);
    List<Object> messages = new ArrayList<>(2 + sinceKeyframe.size());
    messages.add(toJson(header));
    messages.add(new Init(ByteBuffer.wrap(init.bytes()).asReadOnlyBuffer()));
    messages.addAll(sinceKeyframe);
    synchronized (this) {
      if (closed) {
        return;
      }
      // Whatever is queued belongs to the previous init segment: the new one starts afresh.
      dropQueuedFragments();
      awaitingKeyframe = false;
      hasVideo = init.hasVideo();
      heldAudioUs = 0;
      newestVideoUs = Long.MIN_VALUE;
      messages.forEach(this::append);
    }
    sends.request();
  }

  @Override
  public void onFragment(Fragment fragment) {
    synchronized (this) {
      if (closed) {
        return;
      }
      if (awaitingKeyframe) {
        if (!fragment.independent()) {
          droppedFragments++;
          return;
        }
        awaitingKeyframe = false;
      }
      if (queuedBytes + fragment.sizeBytes() > maxQueueBytes && !skipForward(fragment)) {
        return;
      }
      append(fragment);
      if (fragment.track() == Track.VIDEO) {
        newestVideoUs = Math.max(newestVideoUs, fragment.decodeTimeUs());
      } else if (hasVideo && heldAudioUs < MAX_AUDIO_HOLD_US && fragment.decodeTimeUs() >= newestVideoUs) {
        heldAudioUs += fragment.durationUs();
        return; // goes out with the next video frame
      }
      heldAudioUs = 0;
    }
    sends.request();
  }

  @Override
  public void onEnded() {
    enqueue("{\"type\":\"ended\"}");
  }

  /** Called with the lock held when the queue is full. Returns whether {@code fragment} may still be queued. */
  private boolean skipForward(Fragment fragment) {
    long nowMs = System.currentTimeMillis();
    if (nowMs - skipWindowStartMs > SKIP_WINDOW_MS) {
      skipWindowStartMs = nowMs;
      skipsInWindow = 0;
    }
    skipsInWindow++;
    dropQueuedFragments();
    droppedFragments++;
    if (skipsInWindow > MAX_SKIPS) {
      closed = true;
      stream.metrics().viewerClosed(ViewerClose.TOO_SLOW);
      log.info("viewer {} of stream {} closed: too slow ({} skips in {} s, {} fragments dropped)", peerName,
          stream.id(), skipsInWindow - 1, SKIP_WINDOW_MS / 1000, droppedFragments);
      if (session != null) {
        // The close frame waits behind the stuck write: a stalled viewer is disconnected after the grace.
        closer.close(session, MediaStatus.VIEWER_TOO_SLOW.closeCode(), "viewer too slow");
      }
      return false;
    }
    log.debug("viewer {} of stream {} fell behind: skipping to the next keyframe", peerName, stream.id());
    awaitingKeyframe = !fragment.independent();
    return fragment.independent();
  }

  private void dropQueuedFragments() {
    for (Iterator<Object> it = queue.iterator(); it.hasNext(); ) {
      if (it.next() instanceof Fragment fragment) {
        queuedBytes -= fragment.sizeBytes();
        droppedFragments++;
        it.remove();
      }
    }
  }

  private void enqueue(Object message) {
    synchronized (this) {
      if (closed) {
        return;
      }
      append(message);
    }
    // The socket write happens off the ingest thread: handing a fragment to a viewer is a queue append.
    sends.request();
  }

  /** Called with the lock held: nothing more is queued or sent. */
  private void closeQueue() {
    closed = true;
    queue.clear();
    queuedBytes = 0;
  }

  /** Called with the lock held. */
  private void append(Object message) {
    queue.add(message);
    queuedBytes += bytes(message);
  }

  /**
   * Sends the next text message or init segment, or all the fragments queued behind the last send as one message (a
   * run of complete chunks is still valid input for a SourceBuffer), written straight from the shared buffers: one
   * WebSocket frame per run of fragments that lie one after another in the muxer's slab (usually the whole message:
   * a video frame and the audio held for it), so a message costs one frame and one socket write rather than one per
   * fragment, and a viewer that briefly falls behind costs no copy. Called by {@link #sends} only, one at a time.
   */
  @Override
  public boolean sendNext(Callback done) {
    Session target;
    synchronized (this) {
      if (closed || !takeBatch()) {
        return false;
      }
      target = session;
    }
    try {
      Object first = batch.get(0);
      if (first instanceof String text) {
        target.sendText(text, done);
      } else if (first instanceof Init init) {
        target.sendBinary(init.bytes().duplicate(), done);
      } else {
        sendFragments(target, done);
      }
    } finally {
      batch.clear();
    }
    return true;
  }

  /** Called with the lock held: fills {@link #batch} with what {@link #sendNext} sends; false when nothing is queued. */
  private boolean takeBatch() {
    Object first = queue.poll();
    if (first == null) {
      return false;
    }
    batch.add(first);
    inFlightBytes = bytes(first);
    while (first instanceof Fragment && queue.peek() instanceof Fragment fragment) {
      batch.add(queue.poll());
      inFlightBytes += fragment.sizeBytes();
    }
    return true;
  }

  private static int bytes(Object message) {
    if (message instanceof Fragment fragment) {
      return fragment.sizeBytes();
    }
    return message instanceof Init init ? init.bytes().remaining() : ((String) message).length();
  }

  /** {@link #batch}, all fragments, as one message: a frame per contiguous run, each a view Jetty consumes. */
  private void sendFragments(Session target, Callback done) {
    Fragment runStart = (Fragment) batch.get(0);
    Fragment runEnd = runStart;
    for (int i = 1, size = batch.size(); i < size; i++) {
      Fragment next = (Fragment) batch.get(i);
      if (!runEnd.continuedBy(next)) {
        target.sendPartialBinary(runStart.bufferThrough(runEnd), false, framePart);
        runStart = next;
      }
      runEnd = next;
    }
    target.sendPartialBinary(runStart.bufferThrough(runEnd), true, done);
  }

  @Override
  public void sent() {
    int bytes;
    synchronized (this) {
      bytes = inFlightBytes;
      queuedBytes -= closed ? 0 : bytes;
    }
    stream.metrics().feedBytesSent(bytes);
  }

  @Override
  public void failed(Throwable failure) {
    synchronized (this) {
      closeQueue();
    }
    log.debug("viewer {} of stream {}: send failed: {}", peerName, stream.id(), failure.toString());
  }

  /** Bytes queued and not yet sent, for tests and stats. */
  public synchronized int queuedBytes() {
    return queuedBytes;
  }

  private static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
