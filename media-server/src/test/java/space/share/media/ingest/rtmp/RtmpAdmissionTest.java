package space.share.media.ingest.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import space.share.media.ingest.rtmp.RtmpAdmission.Verdict;

class RtmpAdmissionTest {
  @Test
  void admit_pastPerAddressLimit_refusesThatAddressOnly() {
    RtmpAdmission admission = new RtmpAdmission(10, 2);
    assertEquals(Verdict.ADMITTED, admission.admit("10.0.0.1"));
    assertEquals(Verdict.ADMITTED, admission.admit("10.0.0.1"));
    assertEquals(Verdict.TOO_MANY_FROM_ADDRESS, admission.admit("10.0.0.1"));
    assertEquals(Verdict.ADMITTED, admission.admit("10.0.0.2"));
    assertEquals(3, admission.open());
  }

  @Test
  void admit_pastOverallLimit_refusesEveryAddress() {
    RtmpAdmission admission = new RtmpAdmission(2, 2);
    assertEquals(Verdict.ADMITTED, admission.admit("10.0.0.1"));
    assertEquals(Verdict.ADMITTED, admission.admit("10.0.0.2"));
    assertEquals(Verdict.TOO_MANY_CONNECTIONS, admission.admit("10.0.0.3"));
  }

  @Test
  void release_freesTheSlotAndForgetsTheAddress() {
    RtmpAdmission admission = new RtmpAdmission(1, 1);
    assertEquals(Verdict.ADMITTED, admission.admit("10.0.0.1"));
    admission.release("10.0.0.1");
    assertEquals(0, admission.open());
    assertEquals(0, admission.addresses());
    assertEquals(Verdict.ADMITTED, admission.admit("10.0.0.1"));
  }

  @Test
  void release_ofUnknownAddress_isABug() {
    assertThrows(IllegalStateException.class, () -> new RtmpAdmission(1, 1).release("10.0.0.9"));
  }
}
