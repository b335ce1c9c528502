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
import space.share.media.stream.LiveStream;
import space.share.media.stream.StreamRegistry;

/**
 * LL-HLS for every stream: a {@link HlsPackager} per stream, and the HTTP handler that serves them. Thread-safe.
 *
 * <p>A stream gets its packager on its first HLS request, not when it is made: {@link LiveStream} counts every
 * subscriber as a viewer (the status API's {@code viewers}, the feed's own bookkeeping), so an always-on packager
 * would show as a phantom viewer on every stream. Subscribing replays the init segment and the fragments since the
 * last keyframe, so the first playlist is ready within one part. Once made, a packager stays subscribed.
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
  }

  /** The handler for {@code /live/{streamId}/*.m3u8|*.mp4|*.m4s}; declines every other path. */
  public Handler handler() {
    return handler;
  }

  /** The packager of a stream the caller may view, made (with the stream, if need be) on first use. */
  Optional<HlsPackager> packager(String streamId) {
    HlsPackager existing = packagers.get(streamId);
    if (existing != null) {
      return Optional.of(existing);
    }
    LiveStream stream = streams.stream(streamId);
    return Optional.of(packagers.computeIfAbsent(streamId, id -> {
      HlsPackager packager = new HlsPackager(id, settings, clock, executor);
      // Runs the replay under the stream's monitor, so it is ordered with the ingest thread's calls.
      stream.subscribe(packager);
      return packager;
    }));
  }

  ScheduledExecutorService executor() {
    return executor;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
