package space.share.media.access;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Member media tokens the room controller has withdrawn before their expiry (docs/protocol.md "Revoking media
 * tokens"): a member whose session ended, or a whole deleted room. Each entry is kept until its
 * {@code untilEpochSeconds}, the latest expiry any token it covers can have; after that every such token has lapsed
 * on its own, so the entry is purged and memory stays bounded by the revocations of one token lifetime.
 *
 * <p>Held in memory only: a restarted media server starts empty and the controller sends what is still relevant
 * again. Thread-safe: {@link #isRevoked} is a lock-free map read on every feed connect and HLS request;
 * {@link #revoke} runs on the internal endpoint's thread and calls the listeners there, after the entry is visible.
 */
public final class Revocations {
  /** Told of every accepted revocation, to close what is open: {@code memberId} null means the whole room. */
  @FunctionalInterface
  public interface Listener {
    void revoked(String roomId, String memberId);
  }

  /** A revoked member of a room, or (memberId null) the whole room. */
  private record Key(String roomId, String memberId) {}

  private final Map<Key, Long> untilByKey = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final Clock clock;

  public Revocations(Clock clock) {
    this.clock = clock;
  }

  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  /**
   * Revokes the tokens of {@code memberId} in {@code roomId} ({@code memberId} null: of everyone in the room) until
   * {@code untilEpochSeconds}. Idempotent: repeating it, or a shorter {@code until}, changes nothing but keeps the
   * latest {@code until}. Listeners are called every time (closing what is already closed is a no-op).
   */
  public void revoke(String roomId, String memberId, long untilEpochSeconds) {
    Objects.requireNonNull(roomId, "roomId");
    purgeExpired();
    if (untilEpochSeconds <= nowSeconds()) {
      return; // every token it could name has expired already
    }
    untilByKey.merge(new Key(roomId, memberId), untilEpochSeconds, Math::max);
    for (Listener listener : listeners) {
      listener.revoked(roomId, memberId);
    }
  }

  /** Whether a token naming {@code memberId} (null for a token naming no member) in {@code roomId} is revoked. */
  public boolean isRevoked(String roomId, String memberId) {
    long nowSeconds = nowSeconds();
    Long roomUntil = untilByKey.get(new Key(roomId, null));
    if (roomUntil != null && nowSeconds < roomUntil) {
      return true;
    }
    if (memberId == null) {
      return false;
    }
    Long memberUntil = untilByKey.get(new Key(roomId, memberId));
    return memberUntil != null && nowSeconds < memberUntil;
  }

  /** Drops entries whose {@code until} has passed; returns how many went. Called on every {@link #revoke}. */
  public int purgeExpired() {
    long nowSeconds = nowSeconds();
    int before = untilByKey.size();
    untilByKey.values().removeIf(until -> until <= nowSeconds);
    return before - untilByKey.size();
  }

  /** Entries held (expired ones included until the next purge), for tests and the log. */
  public int size() {
    return untilByKey.size();
  }

  private long nowSeconds() {
    return clock.instant().getEpochSecond();
  }
}
