package space.share.player.fuzz;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Checks that CMAF fragments arrive with contiguous {@code mfhd} sequence numbers (ISO/IEC 14496-12 §8.8.5: the
 * media server numbers every fragment of one init segment 1, 2, 3 ... across both tracks), counting the numbers
 * skipped as fragments lost. Fragments at or below the last number seen (a reconnect replays the fragments since the
 * last keyframe) are counted as repeats, not losses. Thread-confined to the reader that feeds it.
 */
final class FragmentSequence {
  private long last = -1;
  long fragments;
  long lost;
  long repeats;
  long gaps;

  /** A new init segment (a new publish): numbering starts again. */
  void reset() {
    last = -1;
  }

  /** Every {@code moof} among the top-level boxes of {@code data} (whole boxes only). */
  void accept(ByteBuffer data) {
    ByteBuffer b = data.duplicate();
    while (b.remaining() >= 8) {
      int start = b.position();
      long size = b.getInt() & 0xffffffffL;
      String type = fourcc(b);
      if (size == 1 && b.remaining() >= 8) size = b.getLong();
      if (size < 8 || start + size > b.limit()) return;
      if (type.equals("moof")) {
        int seq = mfhdSequence(b.duplicate().position(start + 8).limit((int) (start + size)));
        if (seq >= 0) accept(seq & 0xffffffffL);
      }
      b.position((int) (start + size));
    }
  }

  private void accept(long seq) {
    if (last >= 0 && seq <= last) {
      repeats++;
      return;
    }
    fragments++;
    if (last >= 0 && seq > last + 1) {
      lost += seq - last - 1;
      gaps++;
    }
    last = seq;
  }

  private static int mfhdSequence(ByteBuffer moofBody) {
    while (moofBody.remaining() >= 8) {
      int start = moofBody.position();
      long size = moofBody.getInt() & 0xffffffffL;
      String type = fourcc(moofBody);
      if (size < 8 || start + size > moofBody.limit()) return -1;
      if (type.equals("mfhd") && size >= 16) {
        moofBody.getInt(); // version(8) + flags(24)
        return moofBody.getInt(); // unsigned int(32) sequence_number
      }
      moofBody.position((int) (start + size));
    }
    return -1;
  }

  private static String fourcc(ByteBuffer b) {
    byte[] t = new byte[4];
    b.get(t);
    return new String(t, StandardCharsets.ISO_8859_1);
  }
}
