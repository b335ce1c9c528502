package space.share.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GracefulCloseTest {
  private final ManualScheduler scheduler = new ManualScheduler();
  private final GracefulClose closer = new GracefulClose(scheduler, 2_000);
  private final FakeSession socket = new FakeSession();

  @Test
  void close_peerStoppedReading_disconnectedWhenTheGraceEnds() {
    socket.peerAnswersClose = false;
    closer.close(socket.session, 4008, "viewer too slow");
    assertEquals(4008, socket.closeCode);
    assertEquals("viewer too slow", socket.closeReason);
    scheduler.advanceMs(1_999);
    assertEquals(0, socket.disconnects);
    scheduler.advanceMs(1);
    assertEquals(1, socket.disconnects);
    assertFalse(socket.open);
  }

  @Test
  void close_peerAnswers_notDisconnected() {
    closer.close(socket.session, 4403, "media token revoked");
    scheduler.advanceMs(2_000);
    assertEquals(0, socket.disconnects);
    assertEquals(0, scheduler.scheduledCount());
  }

  @Test
  void close_schedulerShutDown_closeFrameStillSent() {
    scheduler.shutdownNow();
    closer.close(socket.session, 4008, "too slow");
    assertEquals(4008, socket.closeCode);
  }

  @Test
  void fitted_longAsciiReason_cutTo123Bytes() {
    String reason = "x".repeat(300);
    assertEquals(123, GracefulClose.fitted(reason).length());
    assertEquals("short", GracefulClose.fitted("short"));
  }

  @Test
  void fitted_multibyteReason_cutAtACharacterBoundary() {
    String reason = "\uD83D\uDE00".repeat(40) + "é".repeat(40); // 4-byte emoji pairs, then 2-byte letters
    String fitted = GracefulClose.fitted(reason);
    byte[] utf8 = fitted.getBytes(StandardCharsets.UTF_8);
    assertEquals(120, utf8.length, "30 whole emoji: a 31st would pass 123 bytes");
    assertEquals(fitted, new String(utf8, StandardCharsets.UTF_8), "a surrogate pair was split");
  }
}
