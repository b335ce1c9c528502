package space.share.media.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StampedSourceTest {
  @ParameterizedTest
  @ValueSource(longs = {0L, 1L, 1_763_700_000_123L, (1L << 48) - 1})
  void decode_stampedNoisyFrame_readsBackTheStamp(long epochMs) {
    byte[] frame = new byte[StampedSource.WIDTH * StampedSource.HEIGHT];
    new Random(7).nextBytes(frame);
    StampedSource.stamp(frame, StampedSource.WIDTH, epochMs);
    assertEquals(epochMs, StampedSource.decode(frame, StampedSource.WIDTH));
  }
}
