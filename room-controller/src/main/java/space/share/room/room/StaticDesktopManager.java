package space.share.room.room;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The default {@link DesktopManager}: supervises nothing. With a configured target
 * ({@code room.vnc.static-target=127.0.0.1:5900}) every room's VNC goes there and the desktop state is
 * {@link DesktopState#EXTERNAL}; without one the state is {@link DesktopState#NONE} and VNC
 * connections are refused as unavailable. Immutable and thread-safe.
 */
public final class StaticDesktopManager implements DesktopManager {
  private final InetSocketAddress target;

  public StaticDesktopManager(InetSocketAddress target) {
    this.target = target;
  }

  /** Parses {@code host:port}; empty or null means no target. */
  public static StaticDesktopManager fromConfig(String hostPort) {
    if (hostPort == null || hostPort.isBlank()) {
      return new StaticDesktopManager(null);
    }
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("room.vnc.static-target must be host:port: " + hostPort);
    }
    return new StaticDesktopManager(InetSocketAddress.createUnresolved(hostPort.substring(0, colon),
        Integer.parseInt(hostPort.substring(colon + 1))));
  }

  @Override
  public void start(Room room, String streamKey) {}

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
}
