package space.share.media.feed;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import space.share.media.access.Revocations;

/**
 * The feed viewers whose sockets are open, so that a revocation can close the ones it names at once
 * ({@link Revocations.Listener}), and {@link #closeExpired()} those whose media token has expired (called every
 * second by {@link FeedSockets}). Thread-safe: viewers add and remove themselves on Jetty threads; revocations
 * arrive on the internal endpoint's thread, expiry checks on a sender thread.
 */
public final class OpenViewers implements Revocations.Listener {
  private final Set<FeedViewer> viewers = ConcurrentHashMap.newKeySet();
  private final Revocations revocations;
  private final Clock clock;

  public OpenViewers(Revocations revocations) {
    this(revocations, Clock.systemUTC());
  }

  /** @param clock the wall clock media tokens expire by */
  public OpenViewers(Revocations revocations, Clock clock) {
    this.revocations = revocations;
    this.clock = clock;
    revocations.addListener(this);
  }

  /** Closes, with 4403 {@code media token expired}, every open viewer whose token has expired; returns how many. */
  public int closeExpired() {
    long nowEpochSeconds = clock.instant().getEpochSecond();
    int closed = 0;
    for (FeedViewer viewer : viewers) {
      if (viewer.expiresEpochSeconds() <= nowEpochSeconds) {
        viewer.expire();
        closed++;
      }
    }
    return closed;
  }

  /**
   * Registers an opened viewer. A revocation that landed between its token check and now would have missed it, so
   * the registry is asked again after it is visible here: either the revocation sees it or it sees the revocation.
   */
  void opened(FeedViewer viewer) {
    viewers.add(viewer);
    if (viewer.memberId() != null && revocations.isRevoked(viewer.streamId(), viewer.memberId())) {
      viewer.revoke();
    }
  }

  void closed(FeedViewer viewer) {
    viewers.remove(viewer);
  }

  /** Closes, with 4403, every open viewer of {@code roomId} whose token named {@code memberId} (null: all). */
  @Override
  public void revoked(String roomId, String memberId) {
    for (FeedViewer viewer : viewers) {
      if (viewer.memberId() != null && viewer.streamId().equals(roomId)
          && (memberId == null || memberId.equals(viewer.memberId()))) {
        viewer.revoke();
      }
    }
  }

  public int size() {
    return viewers.size();
  }
}
