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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.room.rooms.RoomService;
import space.share.room.rooms.StreamStatus;

/**
 * Keeps each room's parts current: asks the media server whether the room's stream is live, the
 * {@link DesktopManager} for the desktop state, and probes the VNC server with a TCP connect. Also
 * drives the control idle pass. Runs on the single-threaded scheduler handed in (owned from then on, shut down by
 * {@link #close()}); every call it makes is bounded by a timeout.
 */
public final class StreamPoller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamPoller.class);
  private static final long CONTROL_TICK_MS = 200;
  private static final int VNC_PROBE_TIMEOUT_MS = 500;

  private final RoomService rooms;
  private final StreamStatusSource streams;
  private final long pollIntervalMs;
  private final long vncProbeIntervalMs;
  private final ScheduledExecutorService executor;
  private final Set<String> unreachableLogged = new HashSet<>();
  /** Last VNC probe result per room; only the poller thread touches it. */
  private final Map<String, Boolean> vncReachable = new HashMap<>();
  private long nextVncProbeMs;

  public StreamPoller(RoomService rooms, StreamStatusSource streams, long pollIntervalMs, long vncProbeIntervalMs,
      ScheduledExecutorService executor) {
    this.executor = executor;
    this.rooms = rooms;
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
    boolean probeVnc = System.currentTimeMillis() >= nextVncProbeMs;
    if (probeVnc) {
      nextVncProbeMs = System.currentTimeMillis() + vncProbeIntervalMs;
    }
    vncReachable.keySet().retainAll(rooms.roomIds());
    for (String roomId : rooms.roomIds()) {
      Optional<StreamStatus> status;
      try {
        status = streams.status(roomId);
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
      rooms.tickControl();
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
