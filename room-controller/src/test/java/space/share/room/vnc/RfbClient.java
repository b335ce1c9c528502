package space.share.room.vnc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import space.share.room.WsProbe;

/**
 * A minimal RFB 3.8 client for tests and benchmarks: handshake, raw framebuffer, key and pointer
 * events, over the proxy ({@link WsProbe}) or straight over TCP ({@link #overTcp}).
 */
final class RfbClient {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Where the RFB bytes go. */
  interface Transport {
    byte[] read(int count, Duration timeout) throws Exception;

    void sendBinary(byte[] data) throws Exception;
  }

  private final Transport ws;
  int width;
  int height;
  String desktopName;

  RfbClient(WsProbe probe) {
    this(new Transport() {
      @Override
      public byte[] read(int count, Duration timeout) throws Exception {
        return probe.read(count, timeout);
      }

      @Override
      public void sendBinary(byte[] data) throws Exception {
        probe.sendBinary(data);
      }
    });
  }

  RfbClient(Transport transport) {
    this.ws = transport;
  }

  /** Straight to a VNC server, no proxy: the baseline for benchmarks. */
  static RfbClient overTcp(java.net.Socket socket) throws java.io.IOException {
    socket.setTcpNoDelay(true);
    java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 65536));
    java.io.OutputStream out = socket.getOutputStream();
    return new RfbClient(new Transport() {
      @Override
      public byte[] read(int count, Duration timeout) throws Exception {
        socket.setSoTimeout((int) timeout.toMillis());
        byte[] bytes = new byte[count];
        in.readFully(bytes);
        return bytes;
      }

      @Override
      public void sendBinary(byte[] data) throws Exception {
        out.write(data);
        out.flush();
      }
    });
  }

  /** Asks for a {@code w}x{@code h} region (non-incremental) and reads the update: one request/response round trip. */
  void readRegion(int w, int h) throws Exception {
    ByteBuffer request = ByteBuffer.allocate(10);
    request.put((byte) 3).put((byte) 0).putShort((short) 0).putShort((short) 0).putShort((short) w).putShort((short) h);
    ws.sendBinary(request.array());
    readUpdate();
  }

  /** RFB 7.1-7.3: version, security None, ClientInit (shared), ServerInit. */
  void handshake() throws Exception {
    handshake(null);
  }

  /**
   * RFB 7.1-7.3 with VNC Authentication when {@code password} is set (straight to an x11vnc), else security None
   * (what the proxy offers browsers); then ClientInit (shared) and ServerInit.
   */
  void handshake(String password) throws Exception {
    securityHandshake(password);
    finishInit();
  }

  /** Why a server refused the security handshake, or null when it accepted. Reads nothing after SecurityResult. */
  String tryAuthenticate(String password) throws Exception {
    String version = new String(ws.read(12, WAIT), StandardCharsets.US_ASCII);
    assertTrue(version.startsWith("RFB 003."), version);
    ws.sendBinary("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
    int count = ws.read(1, WAIT)[0] & 0xff;
    if (count == 0) {
      return "no security types: " + new String(ws.read(ByteBuffer.wrap(ws.read(4, WAIT)).getInt(), WAIT), StandardCharsets.UTF_8);
    }
    byte[] types = ws.read(count, WAIT);
    boolean none = false;
    boolean vncAuth = false;
    for (byte type : types) {
      none |= type == 1;
      vncAuth |= type == 2;
    }
    if (password != null) {
      if (!vncAuth) {
        return "server does not offer VNC Authentication: " + java.util.Arrays.toString(types);
      }
      ws.sendBinary(new byte[] {2});
      ws.sendBinary(RfbHandshake.vncAuthResponse(ws.read(16, WAIT), password));
    } else {
      if (!none) {
        return "server does not offer security type None: " + java.util.Arrays.toString(types);
      }
      ws.sendBinary(new byte[] {1});
    }
    int result = ByteBuffer.wrap(ws.read(4, WAIT)).getInt();
    if (result != 0) {
      return "SecurityResult " + result + ": "
          + new String(ws.read(ByteBuffer.wrap(ws.read(4, WAIT)).getInt(), WAIT), StandardCharsets.UTF_8);
    }
    return null;
  }

  private void securityHandshake(String password) throws Exception {
    String refused = tryAuthenticate(password);
    assertEquals(null, refused, "security handshake");
  }

  private void finishInit() throws Exception {
    ws.sendBinary(new byte[] {1}); // ClientInit: shared-flag
    ByteBuffer init = ByteBuffer.wrap(ws.read(24, WAIT));
    width = init.getShort() & 0xffff;
    height = init.getShort() & 0xffff;
    int bitsPerPixel = init.get() & 0xff;
    assertEquals(32, bitsPerPixel, "x11vnc's default pixel format on a 24-bit display");
    init.position(20);
    int nameLength = init.getInt();
    desktopName = new String(ws.read(nameLength, WAIT), StandardCharsets.UTF_8);
  }

  /** Asks for the whole framebuffer (raw encoding, the only one we announce) and reads it; returns its bytes. */
  long readFullFramebuffer() throws Exception {
    ByteBuffer request = ByteBuffer.allocate(10);
    request.put((byte) 3).put((byte) 0).putShort((short) 0).putShort((short) 0)
        .putShort((short) width).putShort((short) height);
    ws.sendBinary(request.array());
    return readUpdate();
  }

  /** Reads one FramebufferUpdate of raw rectangles; returns its pixel bytes. */
  long readUpdate() throws Exception {
    int type;
    while ((type = ws.read(1, WAIT)[0] & 0xff) != 0) { // skip what x11vnc may send in between (RFB 7.6)
      switch (type) {
        case 1 -> ws.read(5 + 6 * (ByteBuffer.wrap(ws.read(5, WAIT)).getShort(3) & 0xffff) - 5, WAIT); // SetColourMapEntries
        case 2 -> { } // Bell
        case 3 -> ws.read(ByteBuffer.wrap(ws.read(7, WAIT)).getInt(3), WAIT); // ServerCutText
        default -> throw new AssertionError("unexpected server message type " + type);
      }
    }
    ByteBuffer header = ByteBuffer.wrap(ws.read(3, WAIT));
    header.get();
    int rects = header.getShort() & 0xffff;
    long pixelBytes = 0;
    for (int i = 0; i < rects; i++) {
      ByteBuffer rect = ByteBuffer.wrap(ws.read(12, WAIT));
      int w = rect.getShort(4) & 0xffff;
      int h = rect.getShort(6) & 0xffff;
      int encoding = rect.getInt(8);
      assertEquals(0, encoding, "raw encoding");
      int bytes = w * h * 4;
      ws.read(bytes, WAIT);
      pixelBytes += bytes;
    }
    return pixelBytes;
  }

  /** RFB 6.4.5 PointerEvent. */
  void pointer(int x, int y, int buttonMask) throws Exception {
    ByteBuffer event = ByteBuffer.allocate(6);
    event.put((byte) 5).put((byte) buttonMask).putShort((short) x).putShort((short) y);
    ws.sendBinary(event.array());
  }

  /** RFB 6.4.4 KeyEvent, press then release. */
  void key(int keysym) throws Exception {
    for (int down = 1; down >= 0; down--) {
      ByteBuffer event = ByteBuffer.allocate(8);
      event.put((byte) 4).put((byte) down).putShort((short) 0).putInt(keysym);
      ws.sendBinary(event.array());
    }
  }
}
