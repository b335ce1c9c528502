package space.share.room.control;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Who controls a room's keyboard and mouse: neko's request / give / take / release, on the server.
 *
 * <pre>
 *            request (nobody holds)            give(to) | idle pass | release with a request pending
 *   [free] ─────────────────────────▶ [held by A] ──────────────────────────────────────────────▶ [held by B]
 *      ▲                                 │  request by B while A is active: B joins `pending`, A is asked
 *      └───────── release by A ──────────┘  take by the owner: passes at once
 * </pre>
 *
 * A pending request passes anyway once the holder has sent no input for {@code idlePassMs}. Pure
 * logic over a clock value passed in: no I/O, no time source of its own. Not thread-safe: the owning
 * room serializes calls.
 */
public final class ControlState {
  /** A change of holder. {@code holderId} is null when control became free. */
  public record Change(String previousHolderId, String holderId, String reason) {}

  private final long idlePassMs;
  private final LinkedHashSet<String> pending = new LinkedHashSet<>();
  private String holderId;
  private long lastInputMs;

  public ControlState(long idlePassMs) {
    this.idlePassMs = idlePassMs;
  }

  public String holderId() {
    return holderId;
  }

  public List<String> pending() {
    return new ArrayList<>(pending);
  }

  public boolean isHolder(String memberId) {
    return memberId.equals(holderId);
  }

  /** Granted at once when free or when the holder is idle; else queued. Null when nothing changed hands. */
  public Change request(String memberId, long nowMs) {
    if (memberId.equals(holderId)) {
      return null;
    }
    if (holderId == null) {
      return grant(memberId, nowMs, "request");
    }
    if (nowMs - lastInputMs >= idlePassMs) {
      return grant(memberId, nowMs, "idle");
    }
    pending.add(memberId);
    return null;
  }

  /** Precondition: the caller checked that {@code memberId} holds control. */
  public Change release(String memberId, long nowMs) {
    String next = pending.isEmpty() ? null : pending.iterator().next();
    if (next != null) {
      return grant(next, nowMs, "release");
    }
    String previous = holderId;
    holderId = null;
    return new Change(previous, null, "release");
  }

  /** Precondition: the caller checked the giver holds control and {@code toMemberId} is a member. */
  public Change give(String toMemberId, long nowMs) {
    if (toMemberId.equals(holderId)) {
      return null;
    }
    return grant(toMemberId, nowMs, "give");
  }

  /** Precondition: the caller checked {@code memberId} is the room owner. */
  public Change take(String memberId, long nowMs) {
    if (memberId.equals(holderId)) {
      return null;
    }
    return grant(memberId, nowMs, "take");
  }

  /** Withdraws a pending request. */
  public boolean cancel(String memberId) {
    return pending.remove(memberId);
  }

  /** The member left: drop their request, and pass control on if they held it. */
  public Change remove(String memberId, long nowMs) {
    pending.remove(memberId);
    if (!memberId.equals(holderId)) {
      return null;
    }
    Change released = release(memberId, nowMs);
    return new Change(released.previousHolderId(), released.holderId(), "left");
  }

  /** Keyboard or mouse input from the holder resets the idle clock. */
  public void noteInput(String memberId, long nowMs) {
    if (memberId.equals(holderId)) {
      lastInputMs = Math.max(lastInputMs, nowMs);
    }
  }

  /** Passes control to the oldest request once the holder has been idle for {@code idlePassMs}. */
  public Change tick(long nowMs) {
    if (holderId == null || pending.isEmpty() || nowMs - lastInputMs < idlePassMs) {
      return null;
    }
    return grant(pending.iterator().next(), nowMs, "idle");
  }

  private Change grant(String memberId, long nowMs, String reason) {
    pending.remove(memberId);
    String previous = holderId;
    holderId = memberId;
    lastInputMs = nowMs;
    return new Change(previous, memberId, reason);
  }
}
