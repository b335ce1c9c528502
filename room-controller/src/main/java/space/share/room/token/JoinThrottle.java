package space.share.room.token;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Throttles passcode guessing. Every join attempt is counted ({@link #tryReserve}) before the slow hash runs, in the
 * same locked step that checks the limits, so a concurrent burst cannot get past them; an attempt that turns out right
 * (or is never checked) is taken back when its {@link Reservation} closes, a wrong one stays counted.
 *
 * <ul>
 *   <li>Per client address (IPv6: per /64, what one host usually gets): at most {@code maxPerClient} counted attempts
 *       within a sliding window; a hard limit, refused with the seconds until the oldest one leaves the window.
 *   <li>Per room: a back-off, never a block. When the room saw {@code maxPerRoom} or more attempts within the window
 *       (a guess from many addresses), attempts from addresses that already have {@code graceFailures} or more counted
 *       attempts pass one at a time, at most one per {@code roomBackoffIntervalMs}. An address with fewer (someone who
 *       typed the right passcode, or mistyped once) is never slowed by the room, so no number of guessing addresses
 *       can keep a member with the right passcode out; it only lowers what each guessing address gets through.
 * </ul>
 *
 * <p>Thread-safe (synchronized; the work under the lock is a few deque operations). Memory is bounded: at most
 * {@code maxTrackedKeys} addresses and as many rooms are tracked (the least recently seen is forgotten first), stale
 * entries are swept once per window, and each deque holds at most its limit.
 */
public final class JoinThrottle {
  /** Attempts from an address with fewer counted attempts than this are exempt from the room back-off. */
  public static final int DEFAULT_GRACE_FAILURES = 2;
  public static final long DEFAULT_ROOM_BACKOFF_INTERVAL_MS = 1000;
  public static final int DEFAULT_MAX_TRACKED_KEYS = 50_000;

  private final Clock clock;
  private final int maxPerClient;
  private final int maxPerRoom;
  private final long windowMs;
  private final int graceFailures;
  private final long roomBackoffIntervalMs;
  /** Counted attempts (failures and ones in flight) per client key, oldest first; access order for eviction. */
  private final Map<String, ArrayDeque<Long>> attemptsByClient;
  private final Map<String, RoomAttempts> attemptsByRoom;
  private long nextSweepMs;

  private static final class RoomAttempts {
    final ArrayDeque<Long> attempts = new ArrayDeque<>();
    /** While backing off: when the next attempt from a non-exempt address may pass. */
    long nextSlowAttemptAtMs;
  }

  public JoinThrottle(Clock clock, int maxPerClient, int maxPerRoom, long windowMs) {
    this(clock, maxPerClient, maxPerRoom, windowMs, DEFAULT_GRACE_FAILURES, DEFAULT_ROOM_BACKOFF_INTERVAL_MS,
        DEFAULT_MAX_TRACKED_KEYS);
  }

  /**
   * @param graceFailures addresses with fewer counted attempts in the window skip the room back-off
   * @param roomBackoffIntervalMs while a room backs off, its other attempts pass one per this interval
   * @param maxTrackedKeys how many client addresses (and, separately, rooms) are remembered at most
   */
  public JoinThrottle(Clock clock, int maxPerClient, int maxPerRoom, long windowMs, int graceFailures,
      long roomBackoffIntervalMs, int maxTrackedKeys) {
    if (maxPerClient < 1 || maxPerRoom < 1 || windowMs < 1 || graceFailures < 1 || roomBackoffIntervalMs < 0
        || maxTrackedKeys < 1) {
      throw new IllegalArgumentException("join throttle limits must be positive");
    }
    this.clock = clock;
    this.maxPerClient = maxPerClient;
    this.maxPerRoom = maxPerRoom;
    this.windowMs = windowMs;
    this.graceFailures = graceFailures;
    this.roomBackoffIntervalMs = roomBackoffIntervalMs;
    this.attemptsByClient = boundedLru(maxTrackedKeys);
    this.attemptsByRoom = boundedLru(maxTrackedKeys);
  }

  /**
   * One counted join attempt. {@link #failed()} keeps it counted (a wrong passcode, an unknown room); {@link #close()}
   * takes it back unless it failed (right passcode, or never checked). Single use; not thread-safe itself.
   */
  public final class Reservation implements AutoCloseable {
    private final String clientKey;
    private final String roomKey;
    private final long atMs;
    private final long retryAfterSeconds;
    private final Refusal refusal;
    private boolean settled;

    private Reservation(String clientKey, String roomKey, long atMs, long retryAfterSeconds, Refusal refusal) {
      this.clientKey = clientKey;
      this.roomKey = roomKey;
      this.atMs = atMs;
      this.retryAfterSeconds = retryAfterSeconds;
      this.refusal = refusal;
      this.settled = refusal != Refusal.NONE;
    }

    /** Whether the attempt may go ahead (and the passcode be checked). */
    public boolean admitted() {
      return refusal == Refusal.NONE;
    }

    /** For a refused attempt, which limit refused it. */
    public Refusal refusal() {
      return refusal;
    }

    /** For a refused attempt: the seconds until one may pass (at least 1); else 0. */
    public long retryAfterSeconds() {
      return retryAfterSeconds;
    }

    /** The attempt was wrong: it stays counted for its window. */
    public void failed() {
      settled = true;
    }

    /** Takes the attempt back unless {@link #failed()} was called. Idempotent. */
    @Override
    public void close() {
      if (settled) {
        return;
      }
      settled = true;
      release(this);
    }
  }

  /** Which limit refused an attempt. */
  public enum Refusal {
    NONE,
    /** The address used up its attempts for the window. */
    CLIENT,
    /** The room is backing off and this address's slot has not come yet. */
    ROOM_BACKOFF
  }

  /**
   * Counts an attempt of {@code clientAddress} at {@code roomId} (null: no room, e.g. a malformed id) if the limits let
   * it through, in one step with the check. Close the reservation when the attempt is decided.
   */
  public synchronized Reservation tryReserve(String clientAddress, String roomId) {
    long nowMs = clock.millis();
    sweep(nowMs);
    String clientKey = clientKey(clientAddress);
    ArrayDeque<Long> clientAttempts = attemptsByClient.get(clientKey);
    int clientCount = clientAttempts == null ? 0 : expire(clientAttempts, nowMs);
    if (clientCount >= maxPerClient) {
      return new Reservation(clientKey, roomId, nowMs, seconds(clientAttempts.peekFirst() + windowMs - nowMs), Refusal.CLIENT);
    }
    RoomAttempts room = roomId == null ? null : attemptsByRoom.get(roomId);
    if (room != null && expire(room.attempts, nowMs) >= maxPerRoom && clientCount >= graceFailures) {
      if (nowMs < room.nextSlowAttemptAtMs) {
        return new Reservation(clientKey, roomId, nowMs, seconds(room.nextSlowAttemptAtMs - nowMs), Refusal.ROOM_BACKOFF);
      }
      room.nextSlowAttemptAtMs = nowMs + roomBackoffIntervalMs;
    }
    if (clientAttempts == null) {
      clientAttempts = new ArrayDeque<>(Math.min(maxPerClient, 16));
      attemptsByClient.put(clientKey, clientAttempts);
    }
    clientAttempts.addLast(nowMs);
    if (roomId != null) {
      if (room == null) {
        room = new RoomAttempts();
        attemptsByRoom.put(roomId, room);
      }
      room.attempts.addLast(nowMs);
      while (room.attempts.size() > maxPerRoom) {
        room.attempts.pollFirst(); // enough to know the room is at its limit
      }
    }
    return new Reservation(clientKey, roomId, nowMs, 0, Refusal.NONE);
  }

  /** A reservation that counts nothing (for joins that check no passcode). */
  public Reservation none() {
    return new Reservation(null, null, 0, 0, Refusal.NONE);
  }

  private synchronized void release(Reservation reservation) {
    if (reservation.clientKey == null) {
      return;
    }
    ArrayDeque<Long> clientAttempts = attemptsByClient.get(reservation.clientKey);
    if (clientAttempts != null) {
      clientAttempts.removeLastOccurrence(reservation.atMs);
    }
    RoomAttempts room = reservation.roomKey == null ? null : attemptsByRoom.get(reservation.roomKey);
    if (room != null) {
      room.attempts.removeLastOccurrence(reservation.atMs);
    }
  }

  /** Client addresses tracked now (for tests and the log). */
  public synchronized int trackedClients() {
    return attemptsByClient.size();
  }

  /** Rooms tracked now (for tests and the log). */
  public synchronized int trackedRooms() {
    return attemptsByRoom.size();
  }

  /**
   * The key an address is counted under: IPv4 as is, IPv6 by its /64 prefix (one host or LAN usually holds a whole
   * /64, so counting single IPv6 addresses would give an attacker 2^64 of them).
   */
  static String clientKey(String address) {
    if (address == null || address.isEmpty()) {
      return "?";
    }
    String bare = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
    int zone = bare.indexOf('%');
    if (zone >= 0) {
      bare = bare.substring(0, zone);
    }
    if (bare.indexOf(':') < 0 || !bare.matches("[0-9A-Fa-f:.]+")) {
      return bare; // IPv4, or not an address literal: counted as given, never resolved
    }
    try {
      InetAddress parsed = InetAddress.getByName(bare); // a literal: no lookup
      if (parsed instanceof Inet6Address) {
        byte[] prefix = Arrays.copyOf(parsed.getAddress(), 16);
        Arrays.fill(prefix, 8, 16, (byte) 0);
        return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
      }
      return parsed.getHostAddress();
    } catch (UnknownHostException e) {
      return bare;
    }
  }

  /** Drops attempts older than the window; returns how many remain. */
  private int expire(ArrayDeque<Long> attempts, long nowMs) {
    while (!attempts.isEmpty() && attempts.peekFirst() <= nowMs - windowMs) {
      attempts.pollFirst();
    }
    return attempts.size();
  }

  private static long seconds(long waitMs) {
    return Math.max(1, (waitMs + 999) / 1000);
  }

  private void sweep(long nowMs) {
    if (nowMs < nextSweepMs) {
      return;
    }
    nextSweepMs = nowMs + windowMs;
    attemptsByClient.values().removeIf(attempts -> expire(attempts, nowMs) == 0);
    attemptsByRoom.values().removeIf(room -> expire(room.attempts, nowMs) == 0 && room.nextSlowAttemptAtMs <= nowMs);
  }

  private static <V> Map<String, V> boundedLru(int maxEntries) {
    return new LinkedHashMap<>(16, 0.75f, /* accessOrder= */ true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > maxEntries;
      }
    };
  }
}
