package space.share.room.rooms;

import java.net.InetSocketAddress;
import java.util.Optional;
import space.share.room.vnc.VncEndpoint;

/**
 * The default {@link DesktopManager}: supervises nothing. With a configured target
 * ({@code room.vnc.static-target=127.0.0.1:5900}) every room's VNC goes there and the desktop state is
 * {@link DesktopState#EXTERNAL}, the proxy authenticating with {@code room.vnc.static-password}; without one the
 * state is {@link DesktopState#NONE} and VNC connections are refused as unavailable. Immutable and thread-safe.
 */
public final class StaticDesktopManager implements DesktopManager {
  private final InetSocketAddress target;
  private final String password;

  /** A target whose VNC server offers security type None (tests' fake servers). */
  public StaticDesktopManager(InetSocketAddress target) {
    this(target, null);
  }

  /** @param password the target's VNC password, null for a server without one */
  public StaticDesktopManager(InetSocketAddress target, String password) {
    this.target = target;
    this.password = password;
  }

  /**
   * Parses {@code host:port}; empty or null means no target. A target needs its VNC password: a VNC server
   * without one is reachable by every local process, so it is refused here (docs/security.md).
   */
  public static StaticDesktopManager fromConfig(String hostPort, String password) {
    if (hostPort == null || hostPort.isBlank()) {
      return new StaticDesktopManager(null);
    }
    if (password == null || password.isEmpty()) {
      throw new IllegalArgumentException("room.vnc.static-target is set but room.vnc.static-password (env "
          + space.share.settings.Settings.envName("room.vnc.static-password") + ") is not: set it to the VNC password"
          + " the desktop's x11vnc runs with (DESKTOP_VNC_PASSWORD)");
    }
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("room.vnc.static-target must be host:port: " + hostPort);
    }
    return new StaticDesktopManager(InetSocketAddress.createUnresolved(hostPort.substring(0, colon),
        Integer.parseInt(hostPort.substring(colon + 1))), password);
  }

  @Override
  public void start(Room room, PublishTarget target) {}

  @Override
  public void stop(Room room) {}

  @Override
  public DesktopState state(String roomId) {
    return target == null ? DesktopState.NONE : DesktopState.EXTERNAL;
  }

  @Override
  public Optional<InetSocketAddress> vncAddress(String roomId) {
    return Optional.ofNullable(target).map(t -> new InetSocketAddress(t.getHostString(), t.getPort()));
  }

  @Override
  public Optional<VncEndpoint> vncEndpoint(String roomId) {
    return vncAddress(roomId).map(address -> new VncEndpoint(address, password));
  }
}
