package space.share.room.rooms;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.room.members.Member;
import space.share.room.placement.MediaHost;
import space.share.room.placement.Placements;
import space.share.room.status.RoomException;
import space.share.room.status.RoomStatus;
import space.share.room.store.RoomStore;
import space.share.room.store.StoreException;
import space.share.room.token.PasscodeHasher;
import space.share.room.token.SessionTokens;
import space.share.room.token.TokenSigner;
import space.share.room.token.VncTokens;

/**
 * Rooms themselves (the seed's DashboardService, for the admin): create, list, delete, history; and loading the
 * rooms the store holds at start. Each room's stream is placed on one media server ({@link Placements}, stored with
 * the room) and its desktop started publishing there.
 */
public final class DashboardService {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardService.class);

  private final RoomRegistry rooms;
  private final RoomStore store;
  private final TokenSigner signer;
  private final SessionTokens sessionTokens;
  private final PasscodeHasher passcodes;
  private final VncTokens vncTokens;
  private final DesktopManager desktops;
  private final Placements placements;
  private final MembershipService members;
  private final RoomSettings settings;
  private final RoomLimits limits;
  private final Clock clock;
  /** Guards the live-room count against concurrent creates (admin only: contention does not matter). */
  private final Object createLock = new Object();

  DashboardService(RoomRegistry rooms, RoomStore store, TokenSigner signer, SessionTokens sessionTokens,
      PasscodeHasher passcodes, VncTokens vncTokens, DesktopManager desktops, Placements placements,
      MembershipService members, RoomSettings settings, RoomLimits limits) {
    this.rooms = rooms;
    this.store = store;
    this.signer = signer;
    this.sessionTokens = sessionTokens;
    this.passcodes = passcodes;
    this.vncTokens = vncTokens;
    this.desktops = desktops;
    this.placements = placements;
    this.members = members;
    this.settings = settings;
    this.limits = limits;
    this.clock = rooms.clock();
  }

  /** Loads the rooms from the store, closes history left open by the last run, starts their desktops. */
  public void start() {
    long nowMs = clock.millis();
    int closed = store.endOpenControlGrants(nowMs);
    if (closed > 0) {
      LOG.info("closed {} control grant(s) left open by the previous run", closed);
    }
    for (RoomStore.RoomRow row : store.listLiveRooms()) {
      Room room = new Room(row.id(), row.name(), row.ownerMemberId(), row.createdAtMs());
      LiveRoom live = new LiveRoom(room, settings.idlePassMs());
      store.findOpenShareSession(room.id()).ifPresent(session -> live.shareSessionId = session.id());
      rooms.add(live);
      // Where it was before the restart, while that server is configured: publishers and members are there.
      Optional<String> before = store.findRoomMediaServer(room.id());
      MediaHost host = placements.place(room.id(), before.orElse(null));
      if (!before.equals(Optional.of(host.id()))) {
        store.setRoomMediaServer(room.id(), host.id());
      }
      desktops.start(room, PublishTarget.forDesktop(host, signer.streamKey(room.id())));
    }
    desktops.retainOnly(Set.copyOf(rooms.roomIds()));
    LOG.info("loaded {} room(s)", rooms.count());
  }

  /** Releases every room's desktop (DesktopManager#release); durable state is already in the store. */
  public void stop() {
    for (LiveRoom live : rooms.all()) {
      desktops.release(live.room);
    }
  }

  /**
   * CreateRoom. {@code id} and {@code passcode} are generated when null. The creator gets the owner's
   * member session (named {@code ownerName}), the only one that may take control at any time.
   */
  public RoomViews.CreatedRoom createRoom(String id, String name, String passcode, String ownerName) {
    String roomId = id == null ? sessionTokens.newPasscode(10) : id;
    if (!TokenSigner.ROOM_ID.matcher(roomId).matches()) {
      throw new RoomException(RoomStatus.BAD_REQUEST, "room id must match " + TokenSigner.ROOM_ID.pattern());
    }
    if (settings.reservedRoomIds().contains(roomId)) {
      throw new RoomException(RoomStatus.CONFLICT, "room id " + roomId + " is a relay stream's id (media.streams."
          + roomId + ".key): rooms and relay streams are separate id spaces");
    }
    String roomName = RoomViews.requireName(name == null ? roomId : name, "name");
    String ownerDisplayName = RoomViews.requireName(ownerName == null ? "owner" : ownerName, "ownerName");
    String roomPasscode = passcode == null ? sessionTokens.newPasscode(settings.generatedPasscodeChars()) : passcode;
    if (roomPasscode.length() < 4 || roomPasscode.length() > PasscodeHasher.MAX_PASSCODE_CHARS) {
      throw new RoomException(RoomStatus.BAD_REQUEST, "passcode must have 4 to " + PasscodeHasher.MAX_PASSCODE_CHARS
          + " characters");
    }
    if (store.findRoom(roomId).isPresent()) {
      throw new RoomException(RoomStatus.CONFLICT, "room id " + roomId + " is taken (ids of deleted rooms stay taken)");
    }
    String passcodeHash = passcodes.hash(roomPasscode);
    long nowMs = clock.millis();
    String ownerId = sessionTokens.newMemberId();
    String ownerToken = sessionTokens.newToken();
    LiveRoom live;
    Room room;
    MediaHost host;
    synchronized (createLock) { // the count and the put in one step; only short database writes inside
      if (rooms.count() >= limits.maxRooms()) {
        LOG.info("room {} not created: {} live rooms, the maximum (room.max-rooms)", roomId, rooms.count());
        throw new RoomException(RoomStatus.TOO_MANY_ROOMS, "this server has its maximum of " + limits.maxRooms()
            + " rooms; delete one first");
      }
      host = placements.place(roomId, null); // before anything is stored: no server up, no room
      try {
        store.insertRoom(new RoomStore.RoomRow(roomId, roomName, passcodeHash, null, nowMs, 0));
      } catch (StoreException e) {
        placements.remove(roomId);
        if (store.findRoom(roomId).isPresent()) { // lost a race with another create of the same id
          throw new RoomException(RoomStatus.CONFLICT, "room id " + roomId + " is taken");
        }
        throw e;
      }
      store.setRoomMediaServer(roomId, host.id());
      store.insertMember(new RoomStore.MemberRow(ownerId, roomId, ownerDisplayName, true, SessionTokens.hash(ownerToken),
          nowMs, nowMs + settings.sessionTtlMs(), 0));
      store.setRoomOwner(roomId, ownerId);
      room = new Room(roomId, roomName, ownerId, nowMs);
      live = new LiveRoom(room, settings.idlePassMs());
      rooms.add(live);
    }
    desktops.start(room, PublishTarget.forDesktop(host, signer.streamKey(roomId)));
    LOG.info("room {} created on media server {}", roomId, host.id());
    Member owner = new Member(ownerId, roomId, ownerDisplayName, true, nowMs, nowMs + settings.sessionTtlMs());
    return new RoomViews.CreatedRoom(adminView(live), roomPasscode, members.session(owner, ownerToken));
  }

  /** ListRooms. */
  public List<RoomViews.AdminRoom> listRooms() {
    List<RoomViews.AdminRoom> views = new ArrayList<>();
    for (RoomStore.RoomRow row : store.listLiveRooms()) {
      LiveRoom live = rooms.find(row.id());
      if (live != null) {
        views.add(adminView(live));
      }
    }
    return views;
  }

  public RoomViews.AdminRoom adminRoom(String roomId) {
    return adminView(rooms.live(roomId));
  }

  /** DeleteRoom: members are disconnected, sessions end, history stays, the id stays taken. */
  public void deleteRoom(String roomId) {
    LiveRoom live = rooms.live(roomId);
    long nowMs = clock.millis();
    synchronized (live) {
      if (live.controlGrantId != 0) {
        store.endControlGrant(live.controlGrantId, nowMs);
      }
      if (live.shareSessionId != 0) {
        store.endShareSession(live.shareSessionId, nowMs);
      }
      store.markRoomDeleted(roomId, nowMs);
      rooms.remove(roomId);
      placements.remove(roomId);
      vncTokens.revokeRoom(roomId);
      rooms.emit(roomId, new RoomEvent.RoomDeleted(roomId));
    }
    desktops.stop(live.room);
    LOG.info("room {} deleted", roomId);
  }

  public RoomViews.History history(String roomId) {
    rooms.live(roomId);
    List<RoomViews.ShareSession> shares = store.listShareSessions(roomId).stream()
        .map(s -> new RoomViews.ShareSession(RoomViews.iso(s.startedAtMs()), RoomViews.iso(s.endedAtMs()), s.width(),
            s.height(), s.frameRate(), s.codecs()))
        .toList();
    List<RoomViews.ControlGrant> grants = store.listControlGrants(roomId).stream()
        .map(g -> new RoomViews.ControlGrant(g.memberId(), g.memberName(), g.reason(), RoomViews.iso(g.acquiredAtMs()),
            RoomViews.iso(g.releasedAtMs())))
        .toList();
    return new RoomViews.History(roomId, shares, grants);
  }

  private RoomViews.AdminRoom adminView(LiveRoom live) {
    int memberCount = store.listActiveMembers(live.room.id(), clock.millis()).size();
    String streamKey = signer.streamKey(live.room.id());
    MediaHost host = placements.placed(live.room.id());
    synchronized (live) {
      return new RoomViews.AdminRoom(live.room.id(), live.room.name(), RoomViews.iso(live.room.createdAtMs()),
          live.room.ownerMemberId(), streamKey, PublishTarget.of(host.id(), host.rtmpUrl(), streamKey).rtmpUrl(),
          host.id(), live.parts(), live.controlView(), memberCount);
    }
  }
}
