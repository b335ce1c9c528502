package space.share.media.stream;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.media.cmaf.CmafMuxer;
import space.share.media.cmaf.Fragment;
import space.share.media.cmaf.InitSegment;
import space.share.media.metrics.MediaMetrics;
import space.share.media.metrics.StreamMeters;
import space.share.media.samples.AudioConfig;
import space.share.media.samples.MediaSink;
import space.share.media.samples.Sample;
import space.share.media.samples.StreamMetadata;
import space.share.media.samples.Track;
import space.share.media.samples.VideoConfig;

/**
 * One stream id: outlives its publishers, so viewers stay connected across a publisher leaving and coming back.
 *
 * <p>Threading: one publisher at a time writes (through the {@link MediaSink} returned by {@link #beginPublish}),
 * on the ingest path. The muxer runs on that thread, and each fragment is made once and handed to every subscriber.
 * Subscribing takes the same monitor as the writer for the moment it replays the current GOP, so a new viewer sees
 * every fragment exactly once.
 */
public final class LiveStream {
  private static final Logger log = LoggerFactory.getLogger(LiveStream.class);

  /** A GOP cache longer than this is cut (a publisher with no keyframes); viewers then wait for the next one. */
  private static final int MAX_GOP_FRAGMENTS = 2_000;
  /** Default of {@code media.gop-cache-max-bytes}: a 1 s GOP up to ~16 Mbps, a 2 s GOP up to ~8 Mbps. */
  public static final int DEFAULT_GOP_CACHE_MAX_BYTES = 2 * 1024 * 1024;
  /** Notes about a publisher's odd media logged per publish; a publisher that keeps jumping its clock is not. */
  static final int MAX_NOTES_LOGGED = 20;

  private final String id;
  private final LatencyStats latency;
  private final MediaMetrics metrics;
  private final int gopCacheMaxBytes;
  private final List<StreamSubscriber> subscribers = new CopyOnWriteArrayList<>();

  // Guarded by this. Written by the publisher; read by subscribe() and status readers.
  private Publisher publisher;
  private InitSegment init;
  private int generation;
  /** The fragments since the latest keyframe, which a new viewer starts with; at most gopCacheMaxBytes. */
  private final List<Fragment> gop = new ArrayList<>();
  private long gopBytes;
  /** The cache starts at a video keyframe (else it holds audio only). */
  private boolean gopHasKeyframe;
  private Instant liveSince;

  /** With meters of its own (tests). */
  LiveStream(String id, LatencyStats latency, int gopCacheMaxBytes) {
    this(id, latency, new MediaMetrics(), gopCacheMaxBytes);
  }

  /**
   * @param metrics where this stream, and everything that serves it, counts
   * @param gopCacheMaxBytes bound of the fragments kept since the latest keyframe; past it the cache is dropped and
   *     viewers joining before the next keyframe start there
   */
  LiveStream(String id, LatencyStats latency, MediaMetrics metrics, int gopCacheMaxBytes) {
    this.id = id;
    this.latency = latency;
    this.metrics = metrics;
    this.gopCacheMaxBytes = gopCacheMaxBytes;
  }

  /** Where this stream, and everything that serves it (feed viewers, LL-HLS), counts. */
  public MediaMetrics metrics() {
    return metrics;
  }

  public String id() {
    return id;
  }

  /**
   * Claims the stream for a publisher.
   *
   * @param peer names the publisher in log lines
   * @throws PublishRejectedException another publisher is live on this stream
   */
  public synchronized MediaSink beginPublish(String peer) throws PublishRejectedException {
    if (publisher != null) {
      throw new PublishRejectedException("stream '" + id + "' is already live from " + publisher.peer);
    }
    // Series tagged with this id exist while it is live: only a publisher with a valid key gets here.
    publisher = new Publisher(peer, metrics.streamLive(id, this::viewerCount));
    liveSince = Instant.now();
    log.info("stream {}: publish started by {}", id, peer);
    return publisher;
  }

  public synchronized boolean isLive() {
    return publisher != null;
  }

  /**
   * Adds a subscriber; if the stream is live it first gets the init segment and the fragments since the keyframe
   * ({@link StreamSubscriber#onJoin}).
   */
  public synchronized void subscribe(StreamSubscriber subscriber) {
    if (init != null) {
      subscriber.onJoin(init, generation, List.copyOf(gop));
    }
    subscribers.add(subscriber);
  }

  /** Bytes of the fragments a viewer joining now starts with (tests, status). */
  public synchronized long gopCacheBytes() {
    return gopBytes;
  }

  public void unsubscribe(StreamSubscriber subscriber) {
    subscribers.remove(subscriber);
  }

  public int subscriberCount() {
    return subscribers.size();
  }

  /** Subscribers that are people watching (outputs such as the LL-HLS packager are not counted). */
  public int viewerCount() {
    return (int) subscribers.stream().filter(StreamSubscriber::isViewer).count();
  }

  /** A consistent view for the status API. */
  public synchronized Status status() {
    return new Status(id, publisher != null, init, liveSince, viewerCount());
  }

  /**
   * A snapshot of the stream for the status API.
   *
   * @param init the current init segment, null before the first media or after the end
   */
  public record Status(String id, boolean live, InitSegment init, Instant liveSince, int viewers) {}

  private synchronized void publishInit(InitSegment newInit) {
    init = newInit;
    generation++;
    clearGop();
    for (StreamSubscriber subscriber : subscribers) {
      subscriber.onInit(newInit, generation);
    }
  }

  private synchronized void publishFragment(Fragment fragment) {
    if (fragment.independent() || gop.size() >= MAX_GOP_FRAGMENTS
        || gopBytes + fragment.sizeBytes() > gopCacheMaxBytes) {
      // Past the bound the GOP's start is gone, and with it what makes the rest decodable: a viewer joining now
      // waits for the next keyframe (audio alone is still cached meanwhile, as before the first keyframe).
      clearGop();
    }
    // Without a keyframe (before the first one, or after a cut) the cache holds audio only: a viewer joining then
    // can start with sound.
    if ((fragment.independent() || gopHasKeyframe || fragment.track() == Track.AUDIO)
        && fragment.sizeBytes() <= gopCacheMaxBytes) {
      gop.add(fragment);
      gopBytes += fragment.sizeBytes();
      gopHasKeyframe |= fragment.independent();
    }
    for (StreamSubscriber subscriber : subscribers) {
      subscriber.onFragment(fragment);
    }
    latency.record(System.nanoTime() - fragment.arrivalNanos());
  }

  private synchronized void end(Publisher ended) {
    ended.meters.close();
    if (publisher != ended) {
      return;
    }
    publisher = null;
    init = null;
    liveSince = null;
    clearGop();
    for (StreamSubscriber subscriber : subscribers) {
      subscriber.onEnded();
    }
    log.info("stream {}: publish by {} ended", id, ended.peer);
  }

  private void clearGop() {
    gop.clear();
    gopBytes = 0;
    gopHasKeyframe = false;
  }

  /** The writer side of one publish: owns the muxer; only the publisher's thread touches its fields. */
  private final class Publisher implements MediaSink {
    private final String peer;
    private final StreamMeters meters;
    private StreamMetadata metadata = StreamMetadata.NONE;
    private VideoConfig videoConfig;
    private AudioConfig audioConfig;
    private CmafMuxer muxer;
    private boolean ended;
    private int notes;

    Publisher(String peer, StreamMeters meters) {
      this.peer = peer;
      this.meters = meters;
    }

    @Override
    public void onMetadata(StreamMetadata newMetadata) {
      metadata = newMetadata;
    }

    @Override
    public void onVideoConfig(VideoConfig config) {
      videoConfig = config;
    }

    @Override
    public void onAudioConfig(AudioConfig config) {
      audioConfig = config;
    }

    @Override
    public void onNote(String note) {
      notes++;
      if (notes <= MAX_NOTES_LOGGED) {
        log.info("stream {}: publisher {}: {}", id, peer, note);
      } else if (notes == MAX_NOTES_LOGGED + 1) {
        log.info("stream {}: publisher {}: more than {} notes; no more are logged for this publish", id, peer,
            MAX_NOTES_LOGGED);
      }
    }

    @Override
    public void onSample(Sample sample) {
      if (ended) {
        return;
      }
      meters.frame(sample.track() == Track.VIDEO, sample.data().remaining());
      boolean configChanged = muxer == null || !muxer.matches(videoConfig, audioConfig);
      if (configChanged) {
        // A new init segment starts at a video keyframe (or at once for audio-only), so it decodes on its own.
        boolean canStart = videoConfig == null || (sample.track() == Track.VIDEO && sample.keyframe());
        if (canStart) {
          muxer = new CmafMuxer(videoConfig, audioConfig, metadata.frameRate());
          publishInit(muxer.initSegment());
        } else if (muxer == null) {
          return; // nothing decodable yet
        }
      }
      if (!muxer.hasTrack(sample.track())) {
        return;
      }
      publishFragment(muxer.fragment(sample));
    }

    @Override
    public void onEnd() {
      if (!ended) {
        ended = true;
        end(this);
      }
    }
  }
}
