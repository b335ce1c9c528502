package space.share.room.vnc;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The server half of the RFB 3.8 security handshake for fake VNC servers in tests: offers VNC Authentication when
 * it has a password (the
 * response checked with {@link RfbHandshake#vncAuthResponse}, itself tested against OpenSSL's DES), else None. Blocking I/O.
 */
final class FakeRfbServer {
  private FakeRfbServer() {}

  /** Runs the handshake on {@code socket}; true when the client got SecurityResult OK, false when it hung up or failed. */
  static boolean handshake(Socket socket, String password) throws IOException {
    try {
      return handshakeOrEof(socket, password);
    } catch (java.io.EOFException e) {
      return false;
    }
  }

  private static boolean handshakeOrEof(Socket socket, String password) throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    OutputStream out = socket.getOutputStream();
    out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
    byte[] version = new byte[12];
    in.readFully(version);
    if (password == null) {
      out.write(new byte[] {1, 1});
      if (in.readUnsignedByte() != 1) {
        return false;
      }
      out.write(new byte[] {0, 0, 0, 0});
      return true;
    }
    out.write(new byte[] {1, 2});
    if (in.readUnsignedByte() != 2) {
      return false;
    }
    byte[] challenge = new byte[16];
    new SecureRandom().nextBytes(challenge);
    out.write(challenge);
    byte[] response = new byte[16];
    in.readFully(response);
    boolean ok = Arrays.equals(response, RfbHandshake.vncAuthResponse(challenge, password));
    if (ok) {
      out.write(new byte[] {0, 0, 0, 0});
    } else {
      byte[] reason = "Authentication failed".getBytes(StandardCharsets.US_ASCII);
      out.write(ByteBuffer.allocate(8 + reason.length).putInt(1).putInt(reason.length).put(reason).array());
    }
    out.flush();
    return ok;
  }
}
