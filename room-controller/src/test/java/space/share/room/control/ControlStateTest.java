package space.share.room.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class ControlStateTest {
  private static final long IDLE_PASS_MS = 30_000;
  private final ControlState control = new ControlState(IDLE_PASS_MS);

  @Test
  void request_nobodyHolds_grantedAtOnce() {
    ControlState.Change change = control.request("a", 0);
    assertEquals(new ControlState.Change(null, "a", "request"), change);
    assertEquals("a", control.holderId());
  }

  @Test
  void request_holderActive_queuedAndHolderKeepsControl() {
    control.request("a", 0);
    assertNull(control.request("b", 1000));
    assertEquals("a", control.holderId());
    assertEquals(List.of("b"), control.pending());
  }

  @Test
  void request_byHolder_noChange() {
    control.request("a", 0);
    assertNull(control.request("a", 5));
  }

  @Test
  void tick_holderIdleForIdlePass_passesToOldestRequest() {
    control.request("a", 0);
    control.request("b", 1000);
    control.request("c", 2000);
    control.noteInput("a", 10_000);
    assertNull(control.tick(10_000 + IDLE_PASS_MS - 1));
    assertEquals(new ControlState.Change("a", "b", "idle"), control.tick(10_000 + IDLE_PASS_MS));
    assertEquals(List.of("c"), control.pending());
  }

  @Test
  void noteInput_fromNonHolder_doesNotKeepControl() {
    control.request("a", 0);
    control.request("b", 1);
    control.noteInput("b", 20_000);
    assertEquals("b", control.tick(IDLE_PASS_MS).holderId());
  }

  @Test
  void request_holderAlreadyIdle_grantedAtOnce() {
    control.request("a", 0);
    assertEquals(new ControlState.Change("a", "b", "idle"), control.request("b", IDLE_PASS_MS));
  }

  @Test
  void give_toRequester_passesAndClearsTheirRequest() {
    control.request("a", 0);
    control.request("b", 1);
    assertEquals(new ControlState.Change("a", "b", "give"), control.give("b", 2));
    assertEquals(List.of(), control.pending());
  }

  @Test
  void release_withPendingRequest_passesToIt() {
    control.request("a", 0);
    control.request("b", 1);
    assertEquals(new ControlState.Change("a", "b", "release"), control.release("a", 2));
  }

  @Test
  void release_noRequests_controlFree() {
    control.request("a", 0);
    assertEquals(new ControlState.Change("a", null, "release"), control.release("a", 2));
    assertNull(control.holderId());
  }

  @Test
  void take_byOwnerWhileHeld_passesAtOnce() {
    control.request("a", 0);
    control.noteInput("a", 5);
    assertEquals(new ControlState.Change("a", "owner", "take"), control.take("owner", 6));
  }

  @Test
  void remove_holderLeaves_passesToNextRequest() {
    control.request("a", 0);
    control.request("b", 1);
    assertEquals(new ControlState.Change("a", "b", "left"), control.remove("a", 2));
  }

  @Test
  void cancel_pendingRequest_removed() {
    control.request("a", 0);
    control.request("b", 1);
    control.cancel("b");
    assertNull(control.tick(IDLE_PASS_MS * 2));
  }
}
