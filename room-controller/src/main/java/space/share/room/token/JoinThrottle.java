package space.share.room.token;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Throttles passcode guessing: at most {@code maxPerClient} wrong passcodes per client address and
 * {@code maxPerRoom} per room (all clients together, against distributed guessing) within a sliding
 * window. Checked before the slow hash, so refused attempts cost no CPU.
 *
 * <p>Thread-safe (synchronized; the work under the lock is a few deque operations). Memory is bounded:
 * stale keys are swept, and each deque holds at most its limit.
 */
public final class JoinThrottle {
  private final Clock clock;
  private final int maxPerClient;
  private final int maxPerRoom;
  private final long windowMs;
  private final Map<String, Deque<Long>> failuresByKey = new HashMap<>();
  private long nextSweepMs;

  public JoinThrottle(Clock clock, int maxPerClient, int maxPerRoom, long windowMs) {
    this.clock = clock;
    this.maxPerClient = maxPerClient;
    this.maxPerRoom = maxPerRoom;
    this.windowMs = windowMs;
  }

  /** 0 when an attempt may go ahead, else the seconds until it may. */
  public synchronized long retryAfterSeconds(String clientAddress, String roomId) {
    long nowMs = clock.millis();
    sweep(nowMs);
    long waitMs = Math.max(waitMs("client|" + clientAddress, maxPerClient, nowMs),
        waitMs("room|" + roomId, maxPerRoom, nowMs));
    return waitMs <= 0 ? 0 : Math.max(1, (waitMs + 999) / 1000);
  }

  public synchronized void recordFailure(String clientAddress, String roomId) {
    long nowMs = clock.millis();
    add("client|" + clientAddress, maxPerClient, nowMs);
    add("room|" + roomId, maxPerRoom, nowMs);
  }

  private long waitMs(String key, int max, long nowMs) {
    Deque<Long> failures = failuresByKey.get(key);
    if (failures == null) {
      return 0;
    }
    while (!failures.isEmpty() && failures.peekFirst() <= nowMs - windowMs) {
      failures.pollFirst();
    }
    if (failures.size() < max) {
      return 0;
    }
    return failures.peekFirst() + windowMs - nowMs;
  }

  private void add(String key, int max, long nowMs) {
    Deque<Long> failures = failuresByKey.computeIfAbsent(key, k -> new ArrayDeque<>());
    failures.addLast(nowMs);
    while (failures.size() > max) {
      failures.pollFirst();
    }
  }

  private void sweep(long nowMs) {
    if (nowMs < nextSweepMs) {
      return;
    }
    nextSweepMs = nowMs + windowMs;
    failuresByKey.values().removeIf(failures -> failures.isEmpty() || failures.peekLast() <= nowMs - windowMs);
  }
}
