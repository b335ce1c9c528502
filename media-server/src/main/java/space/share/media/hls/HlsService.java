package space.share.media.hls;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Handler;
import space.share.media.access.AccessPolicy;
import space.share.media.metrics.MediaMetrics;
import space.share.media.stream.StreamRegistry;

/**
 * LL-HLS for every stream: a {@link HlsPackager} per stream, and the HTTP handler that serves them. Thread-safe.
 *
 * <p>Every stream gets its packager when the stream is made, so its playlist covers the whole window (and says
 * ENDLIST) even for a player that asks late. The packager is an output, not a viewer
 * ({@link space.share.media.stream.StreamSubscriber#isViewer()}).
 */
public final class HlsService implements AutoCloseable {
  private final StreamRegistry streams;
  private final HlsSettings settings;
  private final Clock clock;
  private final ConcurrentMap<String, HlsPackager> packagers = new ConcurrentHashMap<>();
  private final ScheduledThreadPoolExecutor executor;
  private final HlsHandler handler;

  public HlsService(StreamRegistry streams, AccessPolicy access, HlsSettings settings, Clock clock) {
    this.streams = streams;
    this.settings = settings;
    this.clock = clock;
    AtomicInteger threadNumber = new AtomicInteger();
    // Wake-ups of parked requests, chunked-part writes and timeouts: short non-blocking tasks only.
    executor = new ScheduledThreadPoolExecutor(2, task -> {
      Thread thread = new Thread(task, "hls-wake-" + threadNumber.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    handler = new HlsHandler(this, access, executor);
    streams.metrics().hlsWaitsInFlight(
        () -> packagers.values().stream().mapToInt(HlsPackager::waitingRequests).sum());
    streams.onStreamCreated(stream -> packagers.computeIfAbsent(stream.id(), id -> {
      HlsPackager packager = new HlsPackager(id, settings, clock, executor, streams.metrics());
      stream.subscribe(packager);
      return packager;
    }));
  }

  /** The handler for {@code /live/{streamId}/*.m3u8|*.mp4|*.m4s}; declines every other path. */
  public Handler handler() {
    return handler;
  }

  /** The packager of a stream the caller may view (making the stream, and with it the packager, if need be). */
  Optional<HlsPackager> packager(String streamId) {
    streams.stream(streamId);
    return Optional.ofNullable(packagers.get(streamId));
  }

  MediaMetrics metrics() {
    return streams.metrics();
  }

  ScheduledExecutorService executor() {
    return executor;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
