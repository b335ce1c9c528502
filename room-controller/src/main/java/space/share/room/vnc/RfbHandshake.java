package space.share.room.vnc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The RFB security handshake (RFC 6143 §7.1-7.2), both halves the VNC proxy plays: {@link ToServer} authenticates
 * the proxy to the room's VNC server with the room's password (VNC Authentication, §7.2.2), {@link ToBrowser}
 * offers the member's browser security type None, so the password never leaves the controller. After both halves
 * are done the proxy relays the rest (ClientInit, ServerInit onward) unchanged.
 *
 * <p>Both are enum state machines fed whole fields: {@link ToServer#need()} says how many bytes the next field has,
 * {@link ToServer#accept} takes exactly that many. Every length read from the wire is bounded before anything is
 * allocated; a bad or refusing peer ends in {@link Outcome#FAILED} with a reason. Not thread-safe: one per
 * connection, driven by the connection's one reader at a time.
 */
public final class RfbHandshake {
  /** "RFB 003.008\n": the version both halves speak (RFC 6143 §7.1.1). */
  static final byte[] VERSION_3_8 = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);
  /** x11vnc uses 8 characters of a password (VNC Authentication keys DES with 8 bytes). */
  public static final int PASSWORD_CHARS = 8;
  static final int SECURITY_NONE = 1;
  static final int SECURITY_VNC_AUTH = 2;
  /** The longest failure reason read from a server (it is logged, never relayed). */
  static final int MAX_REASON_BYTES = 1024;
  private static final String PASSWORD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private RfbHandshake() {}

  /** Where a half stands after a field. */
  public enum Outcome {
    /** More fields to exchange. */
    MORE,
    /** Security is done; everything after this is relayed unchanged. */
    DONE,
    /** The peer broke the protocol or refused; {@link Step#reason} says why. */
    FAILED
  }

  /** What a field produced: bytes to send back to the peer (maybe none) and where the half stands. */
  public record Step(byte[] reply, Outcome outcome, String reason) {
    static Step more(byte... reply) {
      return new Step(reply, Outcome.MORE, "");
    }

    static Step done(byte... reply) {
      return new Step(reply, Outcome.DONE, "");
    }

    static Step failed(String reason) {
      return new Step(new byte[0], Outcome.FAILED, reason);
    }
  }

  /** A random password of {@link #PASSWORD_CHARS} letters and digits (62^8, about 47.6 bits). */
  public static String randomPassword() {
    StringBuilder password = new StringBuilder(PASSWORD_CHARS);
    for (int i = 0; i < PASSWORD_CHARS; i++) {
      password.append(PASSWORD_ALPHABET.charAt(RANDOM.nextInt(PASSWORD_ALPHABET.length())));
    }
    return password.toString();
  }

  /**
   * The VNC Authentication response (RFC 6143 §7.2.2): the 16-byte challenge DES-encrypted (ECB) with the password
   * as key, its first 8 bytes zero-padded, each key byte's bits mirrored (the reference VNC's DES takes key bits in
   * the opposite order to standard DES, which every compatible client copies).
   */
  public static byte[] vncAuthResponse(byte[] challenge, String password) {
    if (challenge.length != 16) {
      throw new IllegalArgumentException("a VNC challenge has 16 bytes, not " + challenge.length);
    }
    byte[] key = new byte[8];
    byte[] chars = password.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < Math.min(8, chars.length); i++) {
      key[i] = (byte) (Integer.reverse(chars[i] & 0xff) >>> 24);
    }
    try {
      Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
      des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
      return des.doFinal(challenge);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("DES is not available in this JVM", e);
    }
  }

  /**
   * The proxy as an RFB 3.8 client of the VNC server: picks VNC Authentication when the server offers it (and a
   * password is known), else None when offered; anything else fails. 3.3 servers (which choose the type
   * themselves) are accepted too; servers older than 3.3 or newer versions are answered as 3.8 (RFC 6143 §7.1.1).
   */
  public static final class ToServer {
    private enum State {
      VERSION, SECURITY_COUNT, SECURITY_TYPES, SECURITY_TYPE_33, CHALLENGE, RESULT, REASON_LENGTH, REASON, DONE, FAILED
    }

    private final String password;
    private State state = State.VERSION;
    private int need = 12;
    private boolean version33;
    private String failure = "";

    /** @param password the VNC server's password, or null when the controller knows none */
    public ToServer(String password) {
      this.password = password;
    }

    /** Bytes of the next field; 0 when done or failed. */
    public int need() {
      return need;
    }

    /** Takes exactly {@link #need()} bytes. */
    public Step accept(byte[] field) {
      if (field.length != need) {
        throw new IllegalArgumentException("expected " + need + " bytes, got " + field.length);
      }
      ByteBuffer in = ByteBuffer.wrap(field);
      switch (state) {
        case VERSION -> {
          String version = new String(field, StandardCharsets.US_ASCII);
          if (!version.matches("RFB \\d{3}\\.\\d{3}\n")) {
            return fail("not an RFB server (greeting " + printable(version) + ")");
          }
          int major = Integer.parseInt(version.substring(4, 7));
          int minor = Integer.parseInt(version.substring(8, 11));
          if (major == 3 && minor < 7) {
            version33 = true;
            return next(State.SECURITY_TYPE_33, 4, Step.more("RFB 003.003\n".getBytes(StandardCharsets.US_ASCII)));
          }
          return next(State.SECURITY_COUNT, 1, Step.more(VERSION_3_8));
        }
        case SECURITY_COUNT -> {
          int count = field[0] & 0xff;
          return count == 0 ? next(State.REASON_LENGTH, 4, Step.more()) : next(State.SECURITY_TYPES, count, Step.more());
        }
        case SECURITY_TYPES -> {
          boolean vncAuth = false;
          boolean none = false;
          for (byte type : field) {
            vncAuth |= type == SECURITY_VNC_AUTH;
            none |= type == SECURITY_NONE;
          }
          if (vncAuth && password != null) {
            return next(State.CHALLENGE, 16, Step.more((byte) SECURITY_VNC_AUTH));
          }
          if (none) {
            return next(State.RESULT, 4, Step.more((byte) SECURITY_NONE));
          }
          return fail(vncAuth ? "the VNC server wants a password and the controller has none for it"
              : "the VNC server offers no security type the proxy speaks (types " + Arrays.toString(field) + ")");
        }
        case SECURITY_TYPE_33 -> {
          int type = in.getInt();
          if (type == 0) {
            return next(State.REASON_LENGTH, 4, Step.more());
          }
          if (type == SECURITY_NONE) {
            return done();
          }
          if (type == SECURITY_VNC_AUTH && password != null) {
            return next(State.CHALLENGE, 16, Step.more());
          }
          return fail("the VNC server (RFB 3.3) wants security type " + type);
        }
        case CHALLENGE -> {
          return next(State.RESULT, 4, Step.more(vncAuthResponse(field, password)));
        }
        case RESULT -> {
          if (in.getInt() == 0) {
            return done();
          }
          // RFB 3.3 sends no reason; 3.8 does (RFC 6143 §7.1.3).
          return version33 ? fail("the VNC server refused the password") : next(State.REASON_LENGTH, 4, Step.more());
        }
        case REASON_LENGTH -> {
          long length = in.getInt() & 0xffffffffL;
          if (length == 0 || length > MAX_REASON_BYTES) {
            return fail("the VNC server refused (reason of " + length + " bytes not read)");
          }
          return next(State.REASON, (int) length, Step.more());
        }
        case REASON -> {
          return fail("the VNC server refused: " + printable(new String(field, StandardCharsets.UTF_8)));
        }
        default -> throw new IllegalStateException("handshake already " + state);
      }
    }

    public String failure() {
      return failure;
    }

    private Step next(State nextState, int bytes, Step step) {
      state = nextState;
      need = bytes;
      return step;
    }

    private Step done() {
      state = State.DONE;
      need = 0;
      return Step.done();
    }

    private Step fail(String reason) {
      state = State.FAILED;
      need = 0;
      failure = reason;
      return Step.failed(reason);
    }
  }

  /**
   * The proxy as the browser's RFB server: greets with 3.8, offers only security type None, answers the None
   * choice with SecurityResult OK (3.8; RFB 3.7 has no SecurityResult for None, RFC 6143 §7.1.3) or, for a 3.3
   * client, announces None itself. Bytes arrive in WebSocket frames of any size: {@link #feed} takes what it needs
   * from a frame and leaves the rest (the client's first relayed bytes) in it.
   */
  public static final class ToBrowser {
    private enum State { VERSION, SECURITY_CHOICE, DONE, FAILED }

    private State state = State.VERSION;
    private final byte[] field = new byte[12];
    private int filled;
    private boolean version37;

    /** The server's first message. */
    public byte[] greeting() {
      return VERSION_3_8.clone();
    }

    public boolean done() {
      return state == State.DONE;
    }

    /**
     * Consumes bytes of {@code frame} up to the end of the handshake; returns the reply for the browser (empty while
     * a field is incomplete). After {@link Outcome#DONE}, what is left in {@code frame} is for the VNC server.
     */
    public Step feed(ByteBuffer frame) {
      java.io.ByteArrayOutputStream reply = new java.io.ByteArrayOutputStream();
      while (frame.hasRemaining() && (state == State.VERSION || state == State.SECURITY_CHOICE)) {
        int need = state == State.VERSION ? 12 : 1;
        int take = Math.min(need - filled, frame.remaining());
        frame.get(field, filled, take);
        filled += take;
        if (filled < need) {
          break;
        }
        filled = 0;
        Step step = acceptField();
        if (step.outcome() == Outcome.FAILED) {
          return step;
        }
        reply.writeBytes(step.reply());
      }
      byte[] bytes = reply.toByteArray();
      return state == State.DONE ? Step.done(bytes) : Step.more(bytes);
    }

    private Step acceptField() {
      if (state == State.VERSION) {
        String version = new String(field, 0, 12, StandardCharsets.US_ASCII);
        switch (version) {
          case "RFB 003.008\n" -> {
            state = State.SECURITY_CHOICE;
            return Step.more((byte) 1, (byte) SECURITY_NONE);
          }
          case "RFB 003.007\n" -> {
            version37 = true;
            state = State.SECURITY_CHOICE;
            return Step.more((byte) 1, (byte) SECURITY_NONE);
          }
          case "RFB 003.003\n" -> {
            state = State.DONE;
            return Step.done(new byte[] {0, 0, 0, SECURITY_NONE});
          }
          default -> {
            state = State.FAILED;
            return Step.failed("the browser speaks no RFB version the proxy knows (" + printable(version) + ")");
          }
        }
      }
      int choice = field[0] & 0xff;
      if (choice != SECURITY_NONE) {
        state = State.FAILED;
        return Step.failed("the browser chose security type " + choice + " (only None is offered)");
      }
      state = State.DONE;
      return version37 ? Step.done() : Step.done(new byte[] {0, 0, 0, 0});
    }
  }

  private static String printable(String text) {
    String clipped = text.length() > 80 ? text.substring(0, 80) + "..." : text;
    return "\"" + clipped.replaceAll("[^\\x20-\\x7e]", "?") + "\"";
  }
}
