package space.share.room.vnc;

import java.nio.ByteBuffer;

/**
 * Tells the holder's input from the viewer's housekeeping in client-to-server RFB bytes, so only real
 * keyboard and mouse use keeps control from passing to a pending request.
 *
 * <p>noVNC answers every framebuffer update with a FramebufferUpdateRequest (RFB 6.4.3: U8 type 3,
 * U8 incremental, U16 x, y, width, height = 10 bytes) and sends each batch of messages as one
 * WebSocket message. A message made only of such requests is housekeeping; anything else (KeyEvent 4,
 * PointerEvent 5, cut text, the handshake) counts as input. Deliberately not a full client-stream
 * parser: tracking message boundaries would need the security type the server chose, and a wrong
 * guess here costs only an earlier or later idle pass, never access.
 */
final class RfbInput {
  private static final int FRAMEBUFFER_UPDATE_REQUEST = 3;
  private static final int FRAMEBUFFER_UPDATE_REQUEST_BYTES = 10;

  private RfbInput() {}

  static boolean isInput(ByteBuffer clientBytes) {
    int length = clientBytes.remaining();
    if (length == 0 || length % FRAMEBUFFER_UPDATE_REQUEST_BYTES != 0) {
      return length != 0;
    }
    int start = clientBytes.position();
    for (int offset = 0; offset < length; offset += FRAMEBUFFER_UPDATE_REQUEST_BYTES) {
      if ((clientBytes.get(start + offset) & 0xff) != FRAMEBUFFER_UPDATE_REQUEST) {
        return true;
      }
    }
    return false;
  }
}
