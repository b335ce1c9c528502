package space.share.room.rooms;

import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.room.placement.MediaHost;
import space.share.room.placement.Placements;
import space.share.room.store.RoomStore;
import space.share.room.token.TokenSigner;

/**
 * What the background poller learns about each room's parts: its stream on the media server (and the share session
 * that records it), its desktop and VNC server, and which media servers are up (rooms on a server that went down move
 * to one that is up). Emits {@link RoomEvent.StreamChanged}, {@link RoomEvent.PartsChanged} and
 * {@link RoomEvent.MediaMoved}.
 */
public final class PartsService {
  private static final Logger LOG = LoggerFactory.getLogger(PartsService.class);

  private final RoomRegistry rooms;
  private final RoomStore store;
  private final TokenSigner signer;
  private final DesktopManager desktops;
  private final Placements placements;

  PartsService(RoomRegistry rooms, RoomStore store, TokenSigner signer, DesktopManager desktops,
      Placements placements) {
    this.rooms = rooms;
    this.store = store;
    this.signer = signer;
    this.desktops = desktops;
    this.placements = placements;
  }

  public java.util.Collection<String> roomIds() {
    return rooms.roomIds();
  }

  /**
   * The media server's answer for a room's stream: a status, empty (unknown stream: not live), or null
   * when the media server could not be reached (the last known state stays).
   */
  public void updateStream(String roomId, Optional<StreamStatus> status) {
    LiveRoom live = rooms.find(roomId);
    if (live == null) {
      return;
    }
    long nowMs = rooms.clock().millis();
    synchronized (live) {
      RoomParts before = live.parts();
      if (status == null) {
        live.mediaReachable = false;
      } else {
        live.mediaReachable = true;
        StreamStatus next = status.filter(StreamStatus::live).orElse(null);
        boolean wasLive = live.stream != null;
        live.stream = next;
        if (next != null && !wasLive) {
          if (live.shareSessionId == 0) {
            live.shareSessionId = store.insertShareSession(roomId, nowMs, next.width(), next.height(), next.frameRate(),
                next.codecs());
          }
          rooms.emit(roomId, new RoomEvent.StreamChanged(true, next));
        } else if (next == null && (wasLive || live.shareSessionId != 0)) {
          if (live.shareSessionId != 0) {
            store.endShareSession(live.shareSessionId, nowMs);
            live.shareSessionId = 0;
          }
          rooms.emit(roomId, new RoomEvent.StreamChanged(false, null));
        }
      }
      emitPartsIfChanged(live, before);
    }
  }

  public void updateDesktop(String roomId, DesktopState state, boolean vncReachable) {
    LiveRoom live = rooms.find(roomId);
    if (live == null) {
      return;
    }
    synchronized (live) {
      RoomParts before = live.parts();
      live.desktop = state;
      live.vncReachable = vncReachable;
      emitPartsIfChanged(live, before);
    }
  }

  public DesktopManager desktops() {
    return desktops;
  }

  /** The media server carrying the room's stream; empty for a room that is not live here. */
  public Optional<MediaHost> mediaHostOf(String roomId) {
    return placements.hostOf(roomId);
  }

  public Placements placements() {
    return placements;
  }

  /**
   * A media server started or stopped answering its health checks. Rooms on a server that is down are placed on one
   * that is up: stored, their desktop told the new publish target, their members sent their new feed URLs
   * ({@link RoomEvent.MediaMoved}).
   */
  public void mediaHostUp(String hostId, boolean up) {
    List<Placements.Move> moves = placements.setUp(hostId, up);
    LOG.info("media server {} is {}{}", hostId, up ? "up" : "down",
        moves.isEmpty() ? "" : "; moving " + moves.size() + " room(s)");
    for (Placements.Move move : moves) {
      LiveRoom live = rooms.find(move.roomId());
      if (live == null) {
        continue;
      }
      store.setRoomMediaServer(move.roomId(), move.to().id());
      synchronized (live) {
        if (rooms.find(move.roomId()) != live) {
          continue; // deleted meanwhile: its desktop is stopping, nothing to tell
        }
        // Under the room's lock: a delete waits, so it never races this start into a new desktop.
        desktops.start(live.room, PublishTarget.forDesktop(move.to(), signer.streamKey(move.roomId())));
        LOG.warn("room {}: stream moved from media server {} to {}", move.roomId(), move.from().id(), move.to().id());
        rooms.emit(move.roomId(), new RoomEvent.MediaMoved(move.to().id()));
      }
    }
  }

  private void emitPartsIfChanged(LiveRoom live, RoomParts before) {
    RoomParts after = live.parts();
    if (!after.equals(before)) {
      rooms.emit(live.room.id(), new RoomEvent.PartsChanged(after));
    }
  }
}
