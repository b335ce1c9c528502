package space.share.room.vnc;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Where a room's VNC server listens and the password the controller's proxy answers its VNC Authentication with
 * (docs/room-api.md, VNC proxy). The password never reaches a member: the proxy offers browsers security type None.
 * Immutable; {@link #toString} leaves the password out.
 *
 * @param password null when the controller knows none (the server must then offer security type None)
 */
public record VncEndpoint(InetSocketAddress address, String password) {
  public Optional<String> passwordIfAny() {
    return Optional.ofNullable(password);
  }

  @Override
  public String toString() {
    return "VncEndpoint[" + address + (password == null ? ", no password]" : ", password set]");
  }
}
