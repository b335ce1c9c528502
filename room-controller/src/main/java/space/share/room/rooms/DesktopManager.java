package space.share.room.rooms;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Set;
import space.share.room.vnc.VncEndpoint;

/**
 * The extension point for room desktops: starts and stops what a room shows (Xvfb, a window manager,
 * a browser, x11vnc, ffmpeg publishing with the room's stream key) and says where its VNC server
 * listens. {@link StaticDesktopManager} is the default; {@code space.share.room.desktop.ProcessDesktopManager}
 * runs desktop/room.sh per room ({@code room.desktop.mode=process}); {@code
 * space.share.room.desktop.KubernetesDesktopManager} runs one pod per room ({@code room.desktop.mode=kubernetes}).
 *
 * <p>Threading: called from API threads and the poller thread; implementations are thread-safe and
 * return quickly ({@link #start} and {@link #stop} start work, they do not wait for it).
 */
public interface DesktopManager {
  /**
   * Called when a room is created and, after a restart, for every existing room, with where its encoder publishes
   * (the media server the room is placed on, stream key included). Called again for a running room, with a new
   * target, when its stream moves to another media server: the desktop publishes there from its encoder's next start
   * (restarting the encoder for it when it can).
   */
  void start(Room room, PublishTarget target);

  /** Called when a room is deleted: nothing of its desktop is left. */
  void stop(Room room);

  /**
   * Called for every room when the controller shuts down (the room itself lives on). By default the desktop stops
   * with the controller; a manager whose desktops outlive it (pods) leaves them for the next controller to adopt.
   */
  default void release(Room room) {
    stop(room);
  }

  /**
   * Called once at start, after {@link #start} for every existing room: desktops this manager finds of any other
   * room (deleted while no controller ran) can go. By default there are none: desktops end with their controller.
   */
  default void retainOnly(Set<String> roomIds) {}

  DesktopState state(String roomId);

  /** Where the room's VNC server listens (e.g. 127.0.0.1:5900+n), or empty when it has none. */
  Optional<InetSocketAddress> vncAddress(String roomId);

  /**
   * The room's VNC server and its password, read together (a restarted desktop gets a new port and password).
   * The default knows no password: the server must then offer security type None.
   */
  default Optional<VncEndpoint> vncEndpoint(String roomId) {
    return vncAddress(roomId).map(address -> new VncEndpoint(address, null));
  }

  /** Desktops restarted after they ended by themselves, over every room, since start (never decreases). */
  default long restartsTotal() {
    return 0;
  }
}
