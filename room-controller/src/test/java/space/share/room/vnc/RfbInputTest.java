package space.share.room.vnc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RfbInputTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // RFB 6.4.3 FramebufferUpdateRequest: type 3, 10 bytes
    "one FramebufferUpdateRequest,        03 01 0000 0000 0400 0300,                       false",
    "two FramebufferUpdateRequests,       03 01 0000 0000 0400 0300 03 01 0000 0000 0400 0300, false",
    // RFB 6.4.4 KeyEvent: type 4, 8 bytes
    "KeyEvent,                            04 01 0000 00000061,                             true",
    // RFB 6.4.5 PointerEvent: type 5, 6 bytes
    "PointerEvent,                        05 00 0032 003c,                                 true",
    "request then PointerEvent,           03 01 0000 0000 0400 0300 05 00 0032 003c,       true",
    // RFB 7.1.1 ProtocolVersion handshake, 12 bytes
    "ProtocolVersion,                     524642203030332e3030380a,                        true",
  })
  void isInput_clientMessages_classified(String name, String hex, boolean expected) {
    assertEquals(expected, RfbInput.isInput(ByteBuffer.wrap(bytes(hex))), name);
  }

  private static byte[] bytes(String hex) {
    String digits = hex.replace(" ", "");
    byte[] out = new byte[digits.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
