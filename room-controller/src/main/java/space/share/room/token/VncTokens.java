package space.share.room.token;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One-use VNC tokens (GetVncToken): random, bound to a room and a member, valid for a few seconds.
 * Held in memory only: a restart voids them, which costs a member one retry.
 *
 * <p>Thread-safe: {@link #consume} removes atomically, so a token opens at most one connection even
 * when two connections race with it.
 */
public final class VncTokens {
  /** What a VNC token grants. */
  public record Grant(String roomId, String memberId, long expiresAtMs) {}

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  /** Above this many outstanding tokens, expired ones are swept on issue. */
  private static final int SWEEP_ABOVE_COUNT = 256;

  private final ConcurrentHashMap<String, Grant> grants = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;
  private final long ttlMs;

  public VncTokens(Clock clock, long ttlMs) {
    this.clock = clock;
    this.ttlMs = ttlMs;
  }

  public long ttlMs() {
    return ttlMs;
  }

  public String issue(String roomId, String memberId) {
    long nowMs = clock.millis();
    if (grants.size() > SWEEP_ABOVE_COUNT) {
      grants.values().removeIf(grant -> grant.expiresAtMs() <= nowMs);
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String token = BASE64URL.encodeToString(bytes);
    grants.put(token, new Grant(roomId, memberId, nowMs + ttlMs));
    return token;
  }

  /** Removes the token and returns its grant if it was issued for {@code roomId} and has not expired. */
  public Optional<Grant> consume(String token, String roomId) {
    if (token == null) {
      return Optional.empty();
    }
    Grant grant = grants.remove(token);
    if (grant == null || !grant.roomId().equals(roomId) || grant.expiresAtMs() <= clock.millis()) {
      return Optional.empty();
    }
    return Optional.of(grant);
  }

  /** Voids every outstanding token of a member, e.g. when control passes away from them. */
  public void revoke(String roomId, String memberId) {
    grants.values().removeIf(grant -> grant.roomId().equals(roomId) && grant.memberId().equals(memberId));
  }

  public void revokeRoom(String roomId) {
    grants.values().removeIf(grant -> grant.roomId().equals(roomId));
  }
}
