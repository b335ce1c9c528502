package space.share.room.vnc;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a program inside a room's desktop could try against a VNC port: run as its own JVM (as the room's user) by
 * {@link RoomIsolationIT}. Prints one line: {@code OK} when the server accepted the security handshake, else
 * {@code REFUSED <why>}. Arguments: host, port, and a password file to read or {@code -} for none.
 */
public final class RfbProbe {
  private RfbProbe() {}

  public static void main(String[] args) throws Exception {
    String password = args[2].equals("-") ? null : Files.readAllLines(Path.of(args[2])).get(0);
    try (Socket socket = new Socket(args[0], Integer.parseInt(args[1]))) {
      socket.setSoTimeout(5000);
      DataInputStream in = new DataInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      in.readFully(new byte[12]);
      out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
      int count = in.readUnsignedByte();
      byte[] types = new byte[count];
      in.readFully(types);
      boolean none = false;
      boolean vncAuth = false;
      for (byte type : types) {
        none |= type == 1;
        vncAuth |= type == 2;
      }
      if (none) {
        out.write(1);
      } else if (vncAuth && password != null) {
        out.write(2);
        byte[] challenge = new byte[16];
        in.readFully(challenge);
        out.write(RfbHandshake.vncAuthResponse(challenge, password));
      } else {
        System.out.println("REFUSED no security type without a password (offered " + java.util.Arrays.toString(types) + ")");
        return;
      }
      int result = in.readInt();
      System.out.println(result == 0 ? "OK" : "REFUSED SecurityResult " + result);
    }
  }
}
