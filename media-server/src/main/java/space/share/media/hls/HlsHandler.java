package space.share.media.hls;

import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.media.access.AccessPolicy;
import space.share.media.access.ViewRefusal;
import space.share.media.cmaf.Fragment;
import space.share.media.cmaf.InitSegment;
import space.share.media.metrics.MediaMetrics;
import space.share.media.metrics.MediaMetrics.HlsRequest;
import space.share.media.status.JsonResponses;
import space.share.media.status.MediaStatus;

/**
 * Serves LL-HLS under {@code /live/{streamId}/}: {@code index.m3u8} (multivariant), {@code media.m3u8} (with
 * {@code _HLS_msn}/{@code _HLS_part} blocking reload and {@code _HLS_skip}), {@code init-{generation}.mp4},
 * {@code seg-{msn}.m4s}, {@code part-{msn}.{part}.m4s}. Every request passes the stream's access check with
 * {@code ?token=}, and the token is carried on every URI a playlist lists.
 *
 * <p>Nothing here blocks a thread. A blocking reload, or a part not yet begun, returns {@code true} from
 * {@link #handle} with its {@link Callback} parked in the packager and completed when the writer publishes what
 * it waits for, or by a scheduled timeout. The preload-hinted part is written fragment by fragment as the writer
 * appends them (chunked transfer), one write in flight per response.
 */
final class HlsHandler extends Handler.Abstract.NonBlocking {
  private static final Logger log = LoggerFactory.getLogger(HlsHandler.class);
  private static final Pattern PATH = Pattern.compile("^/live/([A-Za-z0-9_-]{1,64})/(?:(index\\.m3u8)|(media\\.m3u8)"
      + "|init-(\\d{1,9})\\.mp4|seg-(\\d{1,18})\\.m4s|part-(\\d{1,18})\\.(\\d{1,6})\\.m4s)$");
  static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
  static final String MEDIA_TYPE = "video/mp4";
  /** Parts and segments never change once written (numbers never repeat, even across restarts). */
  static final String CACHE_IMMUTABLE = "public, max-age=86400, immutable";
  /** A playlist without blocking parameters goes stale with the next part. */
  static final String CACHE_PLAYLIST = "public, max-age=1";
  /** The init segment of generation N: generation numbers restart with the origin, so keep it short. */
  static final String CACHE_INIT = "public, max-age=60";

  private final HlsService service;
  private final AccessPolicy access;
  private final Executor executor;

  HlsHandler(HlsService service, AccessPolicy access, Executor executor) {
    this.service = service;
    this.access = access;
    this.executor = executor;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Matcher path = PATH.matcher(Request.getPathInContext(request));
    if (!path.matches() || !"GET".equals(request.getMethod())) {
      return false;
    }
    response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    if (log.isTraceEnabled()) {
      // How long each request was held (blocking reloads, streamed parts): the first thing to look at.
      long startNanos = System.nanoTime();
      String what = request.getHttpURI().getPathQuery();
      callback = Callback.from(callback, () -> log.trace("{} answered after {} ms", what,
          (System.nanoTime() - startNanos) / 1_000_000));
    }
    String streamId = path.group(1);
    String peer = Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
    Fields query = Request.extractQueryParameters(request);
    String token = query.getValue("token");
    Optional<ViewRefusal> refused = ViewRefusal.of(access.canView(streamId, token), streamId, token, peer, "HLS", log);
    if (refused.isPresent()) {
      JsonResponses.error(response, refused.get().status(), refused.get().message(), callback);
      return true;
    }
    Optional<HlsPackager> found = service.packager(streamId);
    if (found.isEmpty()) {
      JsonResponses.error(response, MediaStatus.NOT_FOUND, "stream '" + streamId + "' has no HLS output", callback);
      return true;
    }
    Exchange exchange = new Exchange(found.get(), response, callback, peer,
        token == null ? "" : "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    MediaMetrics metrics = service.metrics();
    if (path.group(2) != null) {
      metrics.hlsRequest(HlsRequest.MULTIVARIANT);
      exchange.multivariant();
    } else if (path.group(3) != null) {
      metrics.hlsRequest(HlsRequest.MEDIA);
      exchange.media(query);
    } else if (path.group(4) != null) {
      metrics.hlsRequest(HlsRequest.INIT);
      exchange.init(Integer.parseInt(path.group(4)));
    } else if (path.group(5) != null) {
      metrics.hlsRequest(HlsRequest.SEGMENT);
      exchange.segment(Long.parseLong(path.group(5)));
    } else {
      metrics.hlsRequest(HlsRequest.PART);
      exchange.part(Long.parseLong(path.group(6)), Integer.parseInt(path.group(7)), /* mayWait= */ true);
    }
    return true;
  }

  /** One request being answered. */
  private final class Exchange {
    final HlsPackager packager;
    final Response response;
    final Callback callback;
    final String peer;
    final String uriQuery;

    Exchange(HlsPackager packager, Response response, Callback callback, String peer, String uriQuery) {
      this.packager = packager;
      this.response = response;
      this.callback = callback;
      this.peer = peer;
      this.uriQuery = uriQuery;
    }

    void multivariant() {
      HlsSnapshot snapshot = packager.snapshot();
      if (snapshot.generation() == 0) {
        notLive();
        return;
      }
      // Before the first part the bitrate is unknown: wait for it like a blocking reload.
      packager.await(HlsSnapshot::hasMedia, packager.settings().blockingTimeoutMs(),
          s -> text(PlaylistWriter.multivariant(s, uriQuery), CACHE_PLAYLIST), this::timedOut);
    }

    void media(Fields query) {
      Long msn;
      Integer partIndex;
      try {
        msn = number(query, "_HLS_msn");
        Long part = number(query, "_HLS_part");
        partIndex = part == null ? null : Math.toIntExact(part);
      } catch (NumberFormatException | ArithmeticException e) {
        badRequest("_HLS_msn and _HLS_part must be non-negative integers");
        return;
      }
      if (partIndex != null && msn == null) {
        badRequest("_HLS_part requires _HLS_msn");
        return;
      }
      String skipValue = query.getValue("_HLS_skip");
      boolean skip = "YES".equals(skipValue) || "v2".equals(skipValue);
      HlsSnapshot snapshot = packager.snapshot();
      if (snapshot.generation() == 0) {
        notLive();
        return;
      }
      long timeoutMs = packager.settings().blockingTimeoutMs();
      if (msn == null) {
        packager.await(HlsSnapshot::hasMedia, timeoutMs,
            s -> text(PlaylistWriter.media(s, skip, uriQuery), CACHE_PLAYLIST), this::timedOut);
        return;
      }
      int part = partIndex == null ? -1 : partIndex;
      if (!snapshot.ended() && snapshot.tooFarAhead(msn, part)) {
        badRequest("_HLS_msn=" + msn + (part < 0 ? "" : " _HLS_part=" + part) + " is too far ahead of the live edge");
        return;
      }
      // A blocking response holds the requested part for good: caches may keep it for the whole wait bound.
      String cache = "public, max-age=" + Math.max(1, timeoutMs / 1000);
      packager.await(s -> s.hasMedia() && s.satisfies(msn, part), timeoutMs,
          s -> text(PlaylistWriter.media(s, skip, uriQuery), s.ended() ? CACHE_PLAYLIST : cache), this::timedOut);
    }

    void init(int generation) {
      InitSegment init = packager.snapshot().inits().get(generation);
      if (init == null) {
        notFound("no init segment for generation " + generation);
        return;
      }
      bytes(List.of(ByteBuffer.wrap(init.bytes()).asReadOnlyBuffer()), CACHE_INIT);
    }

    void segment(long msn) {
      Optional<HlsSegment> segment = packager.snapshot().completeSegment(msn);
      if (segment.isEmpty()) {
        notFound("no finished segment " + msn);
        return;
      }
      List<ByteBuffer> buffers = new ArrayList<>();
      segment.get().parts().forEach(p -> buffers.addAll(p.buffers()));
      bytes(buffers, CACHE_IMMUTABLE);
    }

    /**
     * A finished part is sent whole; the part being written is streamed; a part not begun yet (the next one, as a
     * client holding the preload hint of an older playlist may ask) is waited for, then streamed.
     */
    void part(long msn, int index, boolean mayWait) {
      HlsSnapshot snapshot = packager.snapshot();
      Optional<HlsPart> done = snapshot.part(msn, index);
      if (done.isPresent()) {
        bytes(done.get().buffers(), CACHE_IMMUTABLE);
        return;
      }
      OpenPart open = snapshot.openPart();
      if (open != null && open.msn() == msn && open.index() == index) {
        new PartStream(open, response, callback, executor, service.metrics()).start();
        return;
      }
      if (!mayWait || snapshot.passed(msn, index) || snapshot.generation() == 0
          || snapshot.tooFarAhead(msn, index)) {
        notFound("no part " + msn + "." + index);
        return;
      }
      packager.await(s -> s.part(msn, index).isPresent() || s.passed(msn, index)
              || (s.openPart() != null && s.openPart().msn() == msn && s.openPart().index() == index),
          packager.settings().blockingTimeoutMs(), s -> part(msn, index, /* mayWait= */ false),
          () -> notFound("part " + msn + "." + index + " did not start in time"));
    }

    private void text(String body, String cacheControl) {
      byte[] data = body.getBytes(StandardCharsets.UTF_8);
      response.setStatus(200);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, PLAYLIST_TYPE);
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, cacheControl);
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, data.length);
      service.metrics().hlsBytesSent(data.length);
      response.write(true, ByteBuffer.wrap(data), callback);
    }

    private void bytes(List<ByteBuffer> buffers, String cacheControl) {
      long length = 0;
      for (ByteBuffer buffer : buffers) {
        length += buffer.remaining();
      }
      response.setStatus(200);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, MEDIA_TYPE);
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, cacheControl);
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
      service.metrics().hlsBytesSent(length);
      writeFrom(buffers, 0);
    }

    /** One write in flight: the next starts when the previous completes. */
    private void writeFrom(List<ByteBuffer> buffers, int index) {
      if (index >= buffers.size() - 1) {
        response.write(true, buffers.isEmpty() ? ByteBuffer.allocate(0) : buffers.get(index), callback);
        return;
      }
      response.write(false, buffers.get(index), Callback.from(() -> writeFrom(buffers, index + 1), callback::failed));
    }

    private void notLive() {
      notFound("stream '" + packager.streamId() + "' is not live");
    }

    private void notFound(String message) {
      log.debug("HLS {} to {}: {}", packager.streamId(), peer, message);
      JsonResponses.error(response, MediaStatus.NOT_FOUND, message, callback);
    }

    private void badRequest(String message) {
      log.info("HLS {} bad request from {}: {}", packager.streamId(), peer, message);
      JsonResponses.error(response, MediaStatus.BAD_REQUEST, message, callback);
    }

    private void timedOut() {
      log.debug("HLS {} to {}: blocking request timed out", packager.streamId(), peer);
      JsonResponses.error(response, MediaStatus.PLAYLIST_TIMEOUT,
          "nothing new within " + packager.settings().blockingTimeoutMs() + " ms", callback);
    }
  }

  private static Long number(Fields query, String name) {
    String value = query.getValue(name);
    if (value == null) {
      return null;
    }
    long parsed = Long.parseLong(value);
    if (parsed < 0) {
      throw new NumberFormatException(name + " is negative");
    }
    return parsed;
  }

  /**
   * Streams the part being written: the fragments it has, then each one as the writer appends it, then the end of
   * the body when the part closes. Chunked transfer (no Content-Length). Jetty allows one write in flight per
   * response, so a write starts only when the previous one completed; the writer's notifications only schedule
   * {@link #pump} on the executor.
   */
  static final class PartStream implements OpenPart.Listener {
    private final OpenPart part;
    private final Response response;
    private final Callback callback;
    private final Executor executor;
    private final MediaMetrics metrics;
    // Guarded by this.
    private int written;
    private boolean writing;
    private boolean finished;

    PartStream(OpenPart part, Response response, Callback callback, Executor executor, MediaMetrics metrics) {
      this.part = part;
      this.response = response;
      this.callback = callback;
      this.executor = executor;
      this.metrics = metrics;
    }

    void start() {
      response.setStatus(200);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, MEDIA_TYPE);
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, CACHE_IMMUTABLE);
      part.addListener(this);
      pump();
    }

    @Override
    public void onPartChanged() {
      executor.execute(this::pump);
    }

    private void pump() {
      ByteBuffer next;
      boolean last;
      synchronized (this) {
        if (writing || finished) {
          return;
        }
        boolean closed = part.isClosed(); // before reading the fragments: a closed part has them all
        List<Fragment> fragments = part.fragments();
        if (written < fragments.size()) {
          next = fragments.get(written++).buffer();
          last = closed && written == fragments.size();
        } else if (closed) {
          next = ByteBuffer.allocate(0);
          last = true;
        } else {
          return;
        }
        writing = true;
        finished = last;
      }
      metrics.hlsBytesSent(next.remaining());
      if (last) {
        part.removeListener(this);
        response.write(true, next, callback);
        return;
      }
      response.write(false, next, Callback.from(() -> {
        synchronized (this) {
          writing = false;
        }
        pump();
      }, failure -> {
        synchronized (this) {
          finished = true;
        }
        part.removeListener(this);
        callback.failed(failure);
      }));
    }
  }
}
