package space.share.room.vnc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import space.share.room.vnc.RfbHandshake.Outcome;
import space.share.room.vnc.RfbHandshake.Step;

/** VNC Authentication's DES response against OpenSSL, and both handshake halves against good and bad peers. */
class RfbHandshakeTest {
  private static final HexFormat HEX = HexFormat.of();

  /**
   * Vectors made with OpenSSL's DES (an implementation that shares nothing with the JCE's), the key bits mirrored by
   * hand: {@code printf 000102...0f | xxd -r -p | openssl enc -des-ecb -nopad -K 0a86acacee0c4e26 -provider legacy}
   * for "Pa55w0rd" (P=0x50 -> 0x0a, a=0x61 -> 0x86, ...); "abc" is zero-padded to 8 bytes before mirroring.
   */
  static Stream<Arguments> desVectors() {
    return Stream.of(
        Arguments.of("Pa55w0rd", "000102030405060708090a0b0c0d0e0f", "e401ff411db1cf4cedbba1df58af05e2"),
        Arguments.of("abc", "ffeeddccbbaa99887766554433221100", "1644884249e9149e362672340bc2cd41"),
        // Only 8 characters count (RFC 6143 §7.2.2: the key is the password's first 8 bytes).
        Arguments.of("Pa55w0rd-and-more", "000102030405060708090a0b0c0d0e0f", "e401ff411db1cf4cedbba1df58af05e2"));
  }

  @ParameterizedTest
  @MethodSource("desVectors")
  void vncAuthResponse_knownVectors(String password, String challenge, String response) {
    assertEquals(response, HEX.formatHex(RfbHandshake.vncAuthResponse(HEX.parseHex(challenge), password)));
  }

  @Test
  void randomPassword_eightLettersOrDigits_differEachTime() {
    String a = RfbHandshake.randomPassword();
    assertTrue(a.matches("[A-Za-z0-9]{8}"), a);
    assertTrue(!a.equals(RfbHandshake.randomPassword()));
  }

  /** Feeds a server's bytes to ToServer field by field; returns the steps. */
  private static List<Step> serverSays(RfbHandshake.ToServer client, byte[] serverBytes) {
    ByteBuffer in = ByteBuffer.wrap(serverBytes);
    java.util.ArrayList<Step> steps = new java.util.ArrayList<>();
    while (client.need() > 0 && in.remaining() >= client.need()) {
      byte[] field = new byte[client.need()];
      in.get(field);
      steps.add(client.accept(field));
    }
    return steps;
  }

  private static byte[] bytes(Object... parts) {
    ByteBuffer out = ByteBuffer.allocate(256);
    for (Object part : parts) {
      if (part instanceof String s) {
        out.put(s.getBytes(StandardCharsets.ISO_8859_1));
      } else if (part instanceof Integer i) {
        out.putInt(i);
      } else if (part instanceof byte[] b) {
        out.put(b);
      }
    }
    return java.util.Arrays.copyOf(out.array(), out.position());
  }

  @Test
  void toServer_vncAuth_repliesVersionTypeAndDesResponse_thenDone() {
    RfbHandshake.ToServer client = new RfbHandshake.ToServer("Pa55w0rd");
    byte[] challenge = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
    List<Step> steps = serverSays(client, bytes("RFB 003.008\n", new byte[] {2, 1, 2}, challenge, 0));
    assertEquals("RFB 003.008\n", new String(steps.get(0).reply(), StandardCharsets.US_ASCII));
    assertArrayEquals(new byte[] {2}, steps.get(2).reply());
    assertEquals("e401ff411db1cf4cedbba1df58af05e2", HEX.formatHex(steps.get(3).reply()));
    assertEquals(Outcome.DONE, steps.get(steps.size() - 1).outcome());
  }

  @Test
  void toServer_noneOffered_picksNone() {
    List<Step> steps = serverSays(new RfbHandshake.ToServer(null), bytes("RFB 003.008\n", new byte[] {1, 1}, 0));
    assertArrayEquals(new byte[] {1}, steps.get(2).reply());
    assertEquals(Outcome.DONE, steps.get(3).outcome());
  }

  @Test
  void toServer_rfb33_serverChoosesVncAuth_noResultReason() {
    List<Step> steps = serverSays(new RfbHandshake.ToServer("abc"),
        bytes("RFB 003.003\n", 2, HEX.parseHex("ffeeddccbbaa99887766554433221100"), 1));
    assertEquals("RFB 003.003\n", new String(steps.get(0).reply(), StandardCharsets.US_ASCII));
    assertEquals("1644884249e9149e362672340bc2cd41", HEX.formatHex(steps.get(2).reply()));
    assertEquals(Outcome.FAILED, steps.get(3).outcome());
  }

  /** Servers the proxy must refuse, each naming the clause of RFC 6143 it breaks or the policy it hits. */
  static Stream<Arguments> badServers() {
    byte[] challenge = new byte[16];
    return Stream.of(
        Arguments.of("§7.1.1 greeting is not ProtocolVersion", bytes("HTTP/1.1 200"), "not an RFB server"),
        Arguments.of("§7.1.2 zero security types, then a reason", bytes("RFB 003.008\n", new byte[] {0}, 8, "too many"),
            "refused: \"too many\""),
        Arguments.of("§7.1.2 reason longer than the proxy reads", bytes("RFB 003.008\n", new byte[] {0}, 1_000_000),
            "not read"),
        Arguments.of("§7.1.2 only types the proxy does not speak (VeNCrypt, Tight)", bytes("RFB 003.008\n", new byte[] {2, 19, 16}),
            "no security type"),
        Arguments.of("policy: VNC Authentication offered but no password known", bytes("RFB 003.008\n", new byte[] {1, 2}),
            "has none"),
        Arguments.of("§7.1.3 SecurityResult failed, with reason", bytes("RFB 003.008\n", new byte[] {1, 2}, challenge, 1, 21,
            "Authentication failed"), "Authentication failed"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badServers")
  void toServer_badServer_failsWithReason(String clause, byte[] serverBytes, String reason) {
    // "has none" needs a controller without a password; the others have one.
    RfbHandshake.ToServer client = new RfbHandshake.ToServer(reason.equals("has none") ? null : "Pa55w0rd");
    List<Step> steps = serverSays(client, serverBytes);
    Step last = steps.get(steps.size() - 1);
    assertEquals(Outcome.FAILED, last.outcome(), clause);
    assertTrue(last.reason().contains(reason), clause + ": " + last.reason());
    assertEquals(0, client.need());
  }

  @Test
  void toBrowser_rfb38_byteByByte_offersOnlyNoneAndSecurityResultOk() {
    RfbHandshake.ToBrowser server = new RfbHandshake.ToBrowser();
    assertEquals("RFB 003.008\n", new String(server.greeting(), StandardCharsets.US_ASCII));
    ByteBuffer reply = ByteBuffer.allocate(16);
    Step last = null;
    for (byte b : bytes("RFB 003.008\n", new byte[] {1})) {
      last = server.feed(ByteBuffer.wrap(new byte[] {b}));
      reply.put(last.reply());
    }
    assertEquals(Outcome.DONE, last.outcome());
    assertEquals("[1, 1, 0, 0, 0, 0]", java.util.Arrays.toString(java.util.Arrays.copyOf(reply.array(), reply.position())));
  }

  @Test
  void toBrowser_handshakeAndClientInitInOneFrame_leavesClientInitInTheFrame() {
    ByteBuffer frame = ByteBuffer.wrap(bytes("RFB 003.008\n", new byte[] {1, 1}));
    Step step = new RfbHandshake.ToBrowser().feed(frame);
    assertEquals(Outcome.DONE, step.outcome());
    assertEquals("[1, 1, 0, 0, 0, 0]", java.util.Arrays.toString(step.reply()));
    assertEquals(1, frame.remaining());
  }

  @Test
  void toBrowser_rfb37_noSecurityResult_rfb33_typeAnnounced() {
    assertEquals(0, new RfbHandshake.ToBrowser().feed(ByteBuffer.wrap(bytes("RFB 003.007\n", new byte[] {1}))).reply().length - 2);
    Step v33 = new RfbHandshake.ToBrowser().feed(ByteBuffer.wrap(bytes("RFB 003.003\n")));
    assertEquals(Outcome.DONE, v33.outcome());
    assertEquals("[0, 0, 0, 1]", java.util.Arrays.toString(v33.reply()));
  }

  static Stream<Arguments> badBrowsers() {
    return Stream.of(
        Arguments.of("§7.1.1 not a ProtocolVersion", bytes("GET / HTTP/1.1\r\n")),
        Arguments.of("§7.1.1 version the proxy does not speak", bytes("RFB 004.001\n")),
        Arguments.of("§7.1.2 type not offered (VNC Authentication)", bytes("RFB 003.008\n", new byte[] {2})),
        Arguments.of("§7.1.2 type 0 (Invalid)", bytes("RFB 003.008\n", new byte[] {0})));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBrowsers")
  void toBrowser_badClient_fails(String clause, byte[] clientBytes) {
    assertEquals(Outcome.FAILED, new RfbHandshake.ToBrowser().feed(ByteBuffer.wrap(clientBytes)).outcome(), clause);
  }
}
