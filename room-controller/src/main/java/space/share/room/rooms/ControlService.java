package space.share.room.rooms;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.room.control.ControlState;
import space.share.room.members.Member;
import space.share.room.metrics.RoomMetrics;
import space.share.room.status.RoomException;
import space.share.room.status.RoomStatus;
import space.share.room.store.RoomStore;
import space.share.room.token.VncTokens;

/**
 * Who holds each room's keyboard and mouse (the seed's control requests): request, release, give, take, the idle
 * hand-over. Every change of holder goes through {@link #apply}: history row, the old holder's VNC tokens voided,
 * one {@link RoomEvent.ControlChanged}. Each room's {@link ControlState} is changed under that room's lock.
 */
public final class ControlService {
  private static final Logger LOG = LoggerFactory.getLogger(ControlService.class);

  private final RoomRegistry rooms;
  private final RoomStore store;
  private final VncTokens vncTokens;
  private final RoomMetrics metrics;
  private final Clock clock;

  ControlService(RoomRegistry rooms, RoomStore store, VncTokens vncTokens, RoomMetrics metrics) {
    this.rooms = rooms;
    this.store = store;
    this.vncTokens = vncTokens;
    this.metrics = metrics;
    this.clock = rooms.clock();
  }

  /** Granted at once when nobody holds control or the holder is idle; otherwise queued and the holder asked. */
  public RoomViews.Control requestControl(Member member) {
    LiveRoom live = rooms.live(member.roomId());
    synchronized (live) {
      ControlState.Change change = live.control.request(member.id(), clock.millis());
      if (change != null) {
        apply(live, change);
      } else if (!live.control.isHolder(member.id())) {
        rooms.emit(member.roomId(), new RoomEvent.ControlRequested(member.id(), live.control.holderId(),
            live.control.pending()));
      }
      return live.controlView();
    }
  }

  /** Gives up control (it passes to the oldest pending request, if any) or withdraws a pending request. */
  public RoomViews.Control releaseControl(Member member) {
    LiveRoom live = rooms.live(member.roomId());
    synchronized (live) {
      if (live.control.isHolder(member.id())) {
        apply(live, live.control.release(member.id(), clock.millis()));
      } else if (live.control.cancel(member.id())) {
        rooms.emit(member.roomId(), new RoomEvent.ControlRequested(null, live.control.holderId(), live.control.pending()));
      } else {
        throw new RoomException(RoomStatus.NOT_IN_CONTROL, "you neither hold nor requested control");
      }
      return live.controlView();
    }
  }

  /** The holder hands control to another active member. */
  public RoomViews.Control giveControl(Member member, String toMemberId) {
    LiveRoom live = rooms.live(member.roomId());
    boolean isMember = toMemberId != null
        && rooms.memberViews(live, clock.millis()).stream().anyMatch(view -> view.id().equals(toMemberId));
    synchronized (live) {
      if (!live.control.isHolder(member.id())) {
        throw new RoomException(RoomStatus.NOT_IN_CONTROL, "only the member holding control can give it");
      }
      if (!isMember) {
        throw new RoomException(RoomStatus.BAD_REQUEST, "memberId is not an active member of this room");
      }
      apply(live, live.control.give(toMemberId, clock.millis()));
      return live.controlView();
    }
  }

  /** The room owner takes control at once. */
  public RoomViews.Control takeControl(Member member) {
    if (!member.owner()) {
      throw new RoomException(RoomStatus.FORBIDDEN, "only the room owner can take control");
    }
    LiveRoom live = rooms.live(member.roomId());
    synchronized (live) {
      apply(live, live.control.take(member.id(), clock.millis()));
      return live.controlView();
    }
  }

  /** Input from the holder's VNC connection: resets the idle clock that lets pending requests pass. */
  public void noteInput(String roomId, String memberId) {
    LiveRoom live = rooms.find(roomId);
    if (live != null) {
      synchronized (live) {
        live.control.noteInput(memberId, clock.millis());
      }
    }
  }

  /** Passes control to pending requests whose holder went idle. Called a few times a second. */
  public void tickControl() {
    long nowMs = clock.millis();
    for (LiveRoom live : rooms.all()) {
      synchronized (live) {
        apply(live, live.control.tick(nowMs));
      }
    }
  }

  public boolean holdsControl(String roomId, String memberId) {
    LiveRoom live = rooms.find(roomId);
    if (live == null) {
      return false;
    }
    synchronized (live) {
      return live.control.isHolder(memberId);
    }
  }

  /** A member left: gives up control or its request. Called with the room's lock held. */
  void memberGone(LiveRoom live, String memberId) {
    apply(live, live.control.remove(memberId, clock.millis()));
  }

  /**
   * Records a change of holder in the history, voids the old holder's VNC tokens, broadcasts it. Called with the
   * room's lock held; {@code change} null: nothing changed.
   */
  private void apply(LiveRoom live, ControlState.Change change) {
    if (change == null) {
      return;
    }
    long nowMs = clock.millis();
    String roomId = live.room.id();
    if (live.controlGrantId != 0) {
      store.endControlGrant(live.controlGrantId, nowMs);
      live.controlGrantId = 0;
    }
    if (change.previousHolderId() != null) {
      vncTokens.revoke(roomId, change.previousHolderId());
    }
    if (change.holderId() != null) {
      String name = store.findMember(change.holderId()).map(RoomStore.MemberRow::name).orElse("?");
      live.controlGrantId = store.insertControlGrant(roomId, change.holderId(), name, change.reason(), nowMs);
    }
    metrics.controlChanged(change.reason());
    LOG.info("room {}: control {} -> {} ({})", roomId, change.previousHolderId(), change.holderId(), change.reason());
    rooms.emit(roomId, new RoomEvent.ControlChanged(change.holderId(), change.previousHolderId(), change.reason(),
        live.control.pending()));
  }
}
