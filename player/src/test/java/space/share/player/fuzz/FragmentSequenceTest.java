package space.share.player.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FragmentSequenceTest {
  /** A moof holding an mfhd (ISO/IEC 14496-12 §8.8.5) with this sequence number, and an empty mdat. */
  private static byte[] fragment(int sequenceNumber) {
    ByteBuffer b = ByteBuffer.allocate(8 + 16 + 8);
    b.putInt(24).put("moof".getBytes()).putInt(16).put("mfhd".getBytes()).putInt(0).putInt(sequenceNumber);
    b.putInt(8).put("mdat".getBytes());
    return b.array();
  }

  private static ByteBuffer messages(int... sequenceNumbers) {
    ByteBuffer all = ByteBuffer.allocate(sequenceNumbers.length * 32);
    for (int n : sequenceNumbers) all.put(fragment(n));
    return all.flip();
  }

  @Test
  void accept_contiguousNumbers_losesNothing() {
    FragmentSequence s = new FragmentSequence();
    s.accept(messages(7, 8));
    s.accept(messages(9));
    assertEquals(3, s.fragments);
    assertEquals(0, s.lost);
  }

  @Test
  void accept_skippedNumbers_countsThemLostInOneGap() {
    FragmentSequence s = new FragmentSequence();
    s.accept(messages(1, 2, 6));
    assertEquals(3, s.lost);
    assertEquals(1, s.gaps);
  }

  @Test
  void accept_replayAfterReconnect_countsRepeatsNotLosses() {
    FragmentSequence s = new FragmentSequence();
    s.accept(messages(1, 2, 3, 4));
    s.accept(messages(3, 4, 5));
    assertEquals(5, s.fragments);
    assertEquals(2, s.repeats);
    assertEquals(0, s.lost);
  }

  @Test
  void reset_newInitSegment_numberingStartsAgain() {
    FragmentSequence s = new FragmentSequence();
    s.accept(messages(100, 101));
    s.reset();
    s.accept(messages(1, 2));
    assertEquals(4, s.fragments);
    assertEquals(0, s.lost);
  }

  @Test
  void accept_truncatedBox_stopsWithoutCounting() {
    FragmentSequence s = new FragmentSequence();
    byte[] f = fragment(1);
    s.accept(ByteBuffer.wrap(f, 0, 20).slice());
    assertEquals(0, s.fragments);
  }
}
