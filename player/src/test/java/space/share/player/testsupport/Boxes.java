package space.share.player.testsupport;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Test-only ISO-BMFF helpers for the fake feed: find boxes in a buffer, write prft. */
final class Boxes {
  private Boxes() {}

  /** Offset of the first child box of the given type in [start, end), or -1. */
  static int find(byte[] b, int start, int end, String type) {
    ByteBuffer buf = ByteBuffer.wrap(b);
    int at = start;
    while (at + 8 <= end) {
      long size = Integer.toUnsignedLong(buf.getInt(at));
      String t = new String(b, at + 4, 4, StandardCharsets.ISO_8859_1);
      if (size < 8 || at + size > end) return -1;
      if (t.equals(type)) return at;
      at += (int) size;
    }
    return -1;
  }

  static int size(byte[] b, int at) {
    return ByteBuffer.wrap(b).getInt(at);
  }

  /** Finds a box by path (e.g. "moov", "trak", "mdia") starting in [start, end). */
  static int path(byte[] b, int start, int end, String... types) {
    int s = start;
    int e = end;
    int found = -1;
    for (String t : types) {
      found = find(b, s, e, t);
      if (found < 0) return -1;
      s = found + 8;
      e = found + size(b, found);
    }
    return found;
  }

  /**
   * prft version 1 (ISO/IEC 14496-12 8.16.5).
   * <pre>
   * prft: size, 'prft', version(8)=1, flags(24)=0,
   *       unsigned int(32) reference_track_ID, unsigned int(64) ntp_timestamp, unsigned int(64) media_time
   * </pre>
   */
  static byte[] prft(int trackId, long wallClockMicros, long mediaTime) {
    ByteBuffer buf = ByteBuffer.allocate(32);
    buf.putInt(32).put("prft".getBytes(StandardCharsets.ISO_8859_1));
    buf.putInt(0x01000000);
    buf.putInt(trackId);
    long seconds = Math.floorDiv(wallClockMicros, 1_000_000L) + 2_208_988_800L;
    long micros = Math.floorMod(wallClockMicros, 1_000_000L);
    long fraction = (micros << 32) / 1_000_000L;
    buf.putInt((int) seconds).putInt((int) fraction);
    buf.putLong(mediaTime);
    return buf.array();
  }
}
