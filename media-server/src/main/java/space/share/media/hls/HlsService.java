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
 * LL-HLS for every stream: a {@link HlsPackager} subscribed to each stream as it is made, and the HTTP handler
 * that serves them. Build it before the server starts (so it sees every stream). Thread-safe.
 */
public final class HlsService implements AutoCloseable {
  private final StreamRegistry streams;
  private final ConcurrentMap<String, HlsPackager> packagers = new ConcurrentHashMap<>();
  private final ScheduledThreadPoolExecutor executor;
  private final HlsHandler handler;

  public HlsService(StreamRegistry streams, AccessPolicy access, HlsSettings settings, Clock clock) {
    this.streams = streams;
    AtomicInteger threadNumber = new AtomicInteger();
    // Wake-ups of parked requests, chunked-part writes and timeouts: short non-blocking tasks only.
    executor = new ScheduledThreadPoolExecutor(2, task -> {
      Thread thread = new Thread(task, "hls-wake-" + threadNumber.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    streams.onStreamCreated(stream -> subscribe(stream, settings, clock));
    streams.all().forEach(stream -> subscribe(stream, settings, clock));
    handler = new HlsHandler(this, access, executor);
  }

  private void subscribe(LiveStream stream, HlsSettings settings, Clock clock) {
    packagers.computeIfAbsent(stream.id(), id -> {
      HlsPackager packager = new HlsPackager(id, settings, clock, executor);
      stream.subscribe(packager);
      return packager;
    });
  }

  /** The handler for {@code /live/{streamId}/*.m3u8|*.mp4|*.m4s}; declines every other path. */
  public Handler handler() {
    return handler;
  }

  /** The packager of a stream the caller may view, made (with the stream) on first use. */
  Optional<HlsPackager> packager(String streamId) {
    streams.stream(streamId);
    return Optional.ofNullable(packagers.get(streamId));
  }

  ScheduledExecutorService executor() {
    return executor;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
