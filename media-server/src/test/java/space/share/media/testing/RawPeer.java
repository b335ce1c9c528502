package space.share.media.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** A TCP client that sends whatever bytes a test gives it and tells whether the server closed the connection. */
public final class RawPeer implements AutoCloseable {
  private final Socket socket;

  private RawPeer(Socket socket) {
    this.socket = socket;
  }

  /** Connects from {@code localAddress} (any 127.x.y.z on Linux) to 127.0.0.1:{@code port}. */
  public static RawPeer connect(String localAddress, int port) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setTcpNoDelay(true);
    return new RawPeer(socket);
  }

  /** Sends; a server that already closed may reset the connection, which is not an error here. */
  public RawPeer send(byte[] bytes) {
    try {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
    } catch (IOException e) {
      // closed by the server: closedWithin tells
    }
    return this;
  }

  /** Reads and drops what the server sends until it closes (true) or {@code timeoutMs} pass (false). */
  public boolean closedWithin(long timeoutMs) throws IOException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    InputStream in = socket.getInputStream();
    byte[] sink = new byte[8192];
    while (true) {
      long leftMs = (deadline - System.nanoTime()) / 1_000_000;
      if (leftMs <= 0) {
        return false;
      }
      socket.setSoTimeout((int) leftMs);
      try {
        if (in.read(sink) < 0) {
          return true;
        }
      } catch (SocketTimeoutException e) {
        return false;
      } catch (IOException e) {
        return true; // reset
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
