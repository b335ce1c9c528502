package space.share.media.ingest.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TimestampUnwrapperTest {
  @Test
  void unwrap_acrossThe32BitWrap_staysMonotonic() {
    TimestampUnwrapper clock = new TimestampUnwrapper();
    assertEquals(0xFFFF_FFF0L, clock.unwrap(0xFFFF_FFF0L));
    assertEquals((1L << 32) + 0x10, clock.unwrap(0x10));
    assertEquals((1L << 32) + 0x30, clock.unwrap(0x30));
  }

  @Test
  void unwrap_smallStepBack_isJitterNotAWrap() {
    TimestampUnwrapper clock = new TimestampUnwrapper();
    assertEquals(1_000, clock.unwrap(1_000));
    assertEquals(990, clock.unwrap(990));
  }

  @Test
  void unwrap_latePacketFromBeforeTheWrap_keepsItsEpoch() {
    TimestampUnwrapper clock = new TimestampUnwrapper();
    clock.unwrap(0xFFFF_FFF0L);
    clock.unwrap(0x10);
    assertEquals(0xFFFF_FFF8L, clock.unwrap(0xFFFF_FFF8L));
  }
}
