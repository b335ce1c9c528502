package space.share.media.ingest.rtmp;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.red5.server.BaseConnection;
import org.red5.server.adapter.MultiThreadedApplicationAdapter;
import org.red5.server.api.IConnection;
import org.red5.server.api.Red5;
import org.red5.server.api.scope.IScope;
import org.red5.server.api.stream.IBroadcastStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.media.access.AccessPolicy;
import space.share.media.metrics.MediaMetrics.RtmpRefusal;
import space.share.media.samples.MediaSink;
import space.share.media.stream.PublishRejectedException;
import space.share.media.stream.StreamRegistry;

/**
 * The Red5 application behind {@code rtmp://host/live}: authorizes publishers by stream key and connects each
 * accepted publish to its stream.
 */
final class LiveApplication extends MultiThreadedApplicationAdapter {
  private static final Logger log = LoggerFactory.getLogger(LiveApplication.class);

  private final AccessPolicy access;
  private final StreamRegistry streams;
  /** Red5's stream object → our sink, to end the right stream when Red5 reports the close. */
  private final Map<IBroadcastStream, Publishing> publishing = new ConcurrentHashMap<>();

  private record Publishing(MediaSink sink, IConnection connection) {}

  LiveApplication(AccessPolicy access, StreamRegistry streams) {
    this.access = access;
    this.streams = streams;
  }

  @Override
  public boolean appStart(IScope scope) {
    registerStreamPublishSecurity(this::isPublishAllowed);
    return super.appStart(scope);
  }

  private boolean isPublishAllowed(IScope scope, String name, String mode) {
    String peer = peer(Red5.getConnectionLocal());
    if (!"live".equals(mode)) {
      log.warn("refused publish from {}: mode '{}' (only live publishing, no recording)", peer, mode);
      return false;
    }
    Optional<String> streamId = access.streamIdForKey(stripQuery(name));
    if (streamId.isEmpty()) {
      log.warn("refused publish from {}: unknown stream key", peer);
      streams.metrics().rtmpRefused(RtmpRefusal.UNKNOWN_KEY);
      return false;
    }
    if (streams.stream(streamId.get()).isLive()) {
      log.warn("refused publish from {}: stream '{}' is already live", peer, streamId.get());
      return false;
    }
    // Before Red5 answers Publish.Start: the publisher's first keyframe may be larger than earlier messages.
    RtmpGuardFilter.allowPublishing(Red5.getConnectionLocal());
    return true;
  }

  @Override
  public void streamPublishStart(IBroadcastStream stream) {
    IConnection connection = Red5.getConnectionLocal();
    // Red5 1.3.17 never marks publishers, so deleteStream returns early and the close event never fires (and the
    // name cannot be published again). Marking the duty here restores both.
    if (connection instanceof BaseConnection base) {
      base.setDuty(IConnection.Duty.PUBLISHER);
    }
    String peer = peer(connection);
    String key = stripQuery(stream.getPublishedName());
    Optional<String> streamId = access.streamIdForKey(key);
    if (streamId.isEmpty()) {
      log.warn("refused publish from {}: unknown stream key", peer);
      connection.close();
      return;
    }
    try {
      MediaSink sink = streams.stream(streamId.get()).beginPublish(peer);
      publishing.put(stream, new Publishing(sink, connection));
      stream.addStreamListener(new IngestListener(streamId.get(), peer, sink, connection::close));
    } catch (PublishRejectedException e) {
      log.warn("refused publish from {}: {}", peer, e.getMessage());
      connection.close();
      return;
    }
    super.streamPublishStart(stream);
  }

  @Override
  public void streamBroadcastClose(IBroadcastStream stream) {
    Publishing ended = publishing.remove(stream);
    if (ended != null) {
      ended.sink().onEnd();
    }
    super.streamBroadcastClose(stream);
  }

  @Override
  public void appDisconnect(IConnection connection) {
    // A publisher that drops without unpublishing: end whatever it was publishing.
    publishing.entrySet().removeIf(entry -> {
      if (entry.getValue().connection() == connection) {
        entry.getValue().sink().onEnd();
        return true;
      }
      return false;
    });
    super.appDisconnect(connection);
  }

  private static String stripQuery(String name) {
    int query = name == null ? -1 : name.indexOf('?');
    return name == null ? "" : query >= 0 ? name.substring(0, query) : name;
  }

  static String peer(IConnection connection) {
    if (connection == null) {
      return "unknown peer";
    }
    return connection.getRemoteAddress() + ":" + connection.getRemotePort();
  }
}
