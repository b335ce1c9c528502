package space.share.room.vnc;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import space.share.room.status.RoomStatus;

/**
 * Every open VNC bridge. Closes a room's bridges whose member no longer holds control (within the
 * same call that changed the holder), all of a deleted room's, and those idle longer than the idle
 * timeout (checked every second). At most {@code maxPerRoom} bridges per room are open: one more is
 * closed with {@link RoomStatus#TOO_MANY_SOCKETS} before it connects to the VNC server. Thread-safe.
 */
public final class VncBridges implements AutoCloseable {
  private static final long SWEEP_INTERVAL_MS = 1000;

  private final Set<VncBridge> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong openedTotal = new AtomicLong();
  private final ScheduledExecutorService scheduler;
  private final Duration connectTimeout;
  private final Duration idleTimeout;
  private final int maxPerRoom;

  /** Only the control holder gets VNC tokens: a few cover a reconnect overlapping the old socket's close. */
  public static final int DEFAULT_MAX_PER_ROOM = 4;

  /**
   * @param maxPerRoom open bridges per room at most ({@code room.vnc.max-sockets-per-room})
   * @param scheduler single-threaded: the idle sweep and the bridges' connect timeouts; owned from here on
   */
  public VncBridges(Duration connectTimeout, Duration idleTimeout, int maxPerRoom, ScheduledExecutorService scheduler) {
    if (maxPerRoom < 1) {
      throw new IllegalArgumentException("room.vnc.max-sockets-per-room must be at least 1: " + maxPerRoom);
    }
    this.scheduler = scheduler;
    this.connectTimeout = connectTimeout;
    this.idleTimeout = idleTimeout;
    this.maxPerRoom = maxPerRoom;
    scheduler.scheduleWithFixedDelay(this::closeIdle, SWEEP_INTERVAL_MS, SWEEP_INTERVAL_MS, TimeUnit.MILLISECONDS);
  }

  /** A bridge for one WebSocket; it registers itself when the socket opens. */
  public VncBridge newBridge(String roomId, String memberId, String peer, VncEndpoint target, VncBridge.Owner owner) {
    return new VncBridge(roomId, memberId, peer, target, connectTimeout, scheduler, this, owner);
  }

  /** Registers an opened bridge unless its room has its maximum already; false: the bridge must close. */
  synchronized boolean add(VncBridge bridge) {
    long ofRoom = open.stream().filter(b -> b.roomId().equals(bridge.roomId())).count();
    if (ofRoom >= maxPerRoom) {
      return false;
    }
    open.add(bridge);
    openedTotal.incrementAndGet();
    return true;
  }

  public int maxPerRoom() {
    return maxPerRoom;
  }

  boolean remove(VncBridge bridge) {
    return open.remove(bridge);
  }

  public int openCount() {
    return open.size();
  }

  /** Bridges registered since start (the metrics' VNC session count). */
  public long openedTotal() {
    return openedTotal.get();
  }

  /** Control of {@code roomId} is now {@code holderId}'s (or nobody's): everyone else's VNC closes. */
  public void onControlChanged(String roomId, String holderId) {
    for (VncBridge bridge : open) {
      if (bridge.roomId().equals(roomId) && !bridge.memberId().equals(holderId)) {
        bridge.close(RoomStatus.CONTROL_LOST, "control has passed to another member");
      }
    }
  }

  public void onRoomDeleted(String roomId) {
    for (VncBridge bridge : open) {
      if (bridge.roomId().equals(roomId)) {
        bridge.close(RoomStatus.ROOM_DELETED, "the room was deleted");
      }
    }
  }

  private void closeIdle() {
    long idleNanos = idleTimeout.toNanos();
    for (VncBridge bridge : open) {
      if (bridge.idleNanos() > idleNanos) {
        bridge.close(RoomStatus.IDLE_TIMEOUT, "no traffic for " + idleTimeout.toSeconds() + " s");
      }
    }
  }

  @Override
  public void close() {
    for (VncBridge bridge : open) {
      bridge.close(RoomStatus.SHUTTING_DOWN, "server shutting down");
    }
    scheduler.shutdownNow();
  }
}
