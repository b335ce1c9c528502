package space.share.room.mediaclient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.room.placement.MediaHost;
import space.share.room.rooms.ControlService;
import space.share.room.rooms.PartsService;
import space.share.room.rooms.StreamStatus;

/**
 * Keeps each room's parts current: asks the media server carrying the room's stream whether it is live, the
 * {@link DesktopManager} for the desktop state, and probes the VNC server with a TCP connect. Also
 * drives the control idle pass. With several media servers it checks each one's {@code /healthz} every round: one
 * that failed {@code downAfterFailures} checks in a row is down (its rooms move, {@link PartsService#mediaHostUp}),
 * one answer brings it back; the rooms of a down server are not asked about (no timeout per room). Runs on the single-threaded scheduler handed in (owned from then on, shut down by
 * {@link #close()}); every call it makes is bounded by a timeout.
 */
public final class StreamPoller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamPoller.class);
  private static final long CONTROL_TICK_MS = 200;
  private static final int VNC_PROBE_TIMEOUT_MS = 500;

  private final PartsService rooms;
  private final ControlService control;
  private final StreamStatusSource streams;
  private final long pollIntervalMs;
  private final long vncProbeIntervalMs;
  private final ScheduledExecutorService executor;
  private final Set<String> unreachableLogged = new HashSet<>();
  /** Last VNC probe result per room; only the poller thread touches it. */
  private final Map<String, Boolean> vncReachable = new HashMap<>();
  /** Health checks failed in a row per media server, and which are down; only the poller thread touches them. */
  private final Map<String, Integer> healthFailures = new HashMap<>();
  private final Set<String> hostsDown = new HashSet<>();
  private final int downAfterFailures;
  private final LongSupplier monotonicMs;
  private long nextVncProbeMs = Long.MIN_VALUE;

  /** With the system's monotonic clock. */
  public StreamPoller(PartsService rooms, ControlService control, StreamStatusSource streams, long pollIntervalMs,
      long vncProbeIntervalMs, int downAfterFailures, ScheduledExecutorService executor) {
    this(rooms, control, streams, pollIntervalMs, vncProbeIntervalMs, downAfterFailures, executor,
        () -> System.nanoTime() / 1_000_000);
  }

  /**
   * @param downAfterFailures health checks failed in a row that make a media server down (at least 1)
   * @param monotonicMs a monotonic millisecond clock: when the next VNC probe is due
   */
  public StreamPoller(PartsService rooms, ControlService control, StreamStatusSource streams, long pollIntervalMs,
      long vncProbeIntervalMs, int downAfterFailures, ScheduledExecutorService executor, LongSupplier monotonicMs) {
    this.monotonicMs = monotonicMs;
    if (downAfterFailures < 1) {
      throw new IllegalArgumentException("room.media.down-after-failures must be at least 1: " + downAfterFailures);
    }
    this.downAfterFailures = downAfterFailures;
    this.executor = executor;
    this.rooms = rooms;
    this.control = control;
    this.streams = streams;
    this.pollIntervalMs = pollIntervalMs;
    this.vncProbeIntervalMs = vncProbeIntervalMs;
  }

  public void start() {
    executor.scheduleWithFixedDelay(this::pollSafely, 0, pollIntervalMs, TimeUnit.MILLISECONDS);
    executor.scheduleWithFixedDelay(this::tickSafely, CONTROL_TICK_MS, CONTROL_TICK_MS, TimeUnit.MILLISECONDS);
  }

  /** One round over all rooms (also called directly by tests). */
  public void pollOnce() {
    long nowMs = monotonicMs.getAsLong();
    boolean probeVnc = nowMs >= nextVncProbeMs;
    if (probeVnc) {
      nextVncProbeMs = nowMs + vncProbeIntervalMs;
    }
    vncReachable.keySet().retainAll(rooms.roomIds());
    if (rooms.placements().movable() && !checkHealth()) {
      return; // interrupted
    }
    for (String roomId : rooms.roomIds()) {
      Optional<MediaHost> host = rooms.mediaHostOf(roomId);
      if (host.isEmpty()) {
        continue; // deleted meanwhile
      }
      Optional<StreamStatus> status;
      try {
        if (hostsDown.contains(host.get().id())) {
          throw new IOException("media server " + host.get().id() + " is down");
        }
        status = streams.status(host.get(), roomId);
        unreachableLogged.remove(roomId);
      } catch (IOException e) {
        if (unreachableLogged.add(roomId)) {
          LOG.warn("media server unreachable for room {}: {}", roomId, e.toString());
        }
        status = null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      rooms.updateStream(roomId, status);
      // The desktop's state is cheap to read and changes fast (an encoder restart takes ~1 s): every round.
      // The VNC server is probed with a TCP connect, so only every vncProbeIntervalMs.
      if (probeVnc) {
        vncReachable.put(roomId, rooms.desktops().vncAddress(roomId).map(StreamPoller::probe).orElse(false));
      }
      rooms.updateDesktop(roomId, rooms.desktops().state(roomId), vncReachable.getOrDefault(roomId, false));
    }
  }

  /** One health check of every media server; false when interrupted. */
  private boolean checkHealth() {
    for (MediaHost host : rooms.placements().hosts()) {
      boolean answered;
      try {
        streams.checkHealth(host);
        answered = true;
      } catch (IOException e) {
        answered = false;
        int failures = healthFailures.merge(host.id(), 1, Integer::sum);
        if (failures == downAfterFailures) {
          LOG.warn("media server {} ({}) failed {} health checks in a row, last: {}; it is down", host.id(),
              host.internalUrl(), failures, e.toString());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      if (answered) {
        healthFailures.remove(host.id());
        if (hostsDown.remove(host.id())) {
          rooms.mediaHostUp(host.id(), true);
        }
      } else if (healthFailures.get(host.id()) >= downAfterFailures && hostsDown.add(host.id())) {
        rooms.mediaHostUp(host.id(), false);
      }
    }
    return true;
  }

  private static boolean probe(InetSocketAddress address) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address.getHostString(), address.getPort()), VNC_PROBE_TIMEOUT_MS);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void pollSafely() {
    try {
      pollOnce();
    } catch (RuntimeException e) {
      LOG.error("room poll failed", e);
    }
  }

  private void tickSafely() {
    try {
      control.tickControl();
    } catch (RuntimeException e) {
      LOG.error("control tick failed", e);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
