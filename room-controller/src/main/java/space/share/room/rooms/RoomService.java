package space.share.room.rooms;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.room.control.ControlState;
import space.share.room.members.Member;
import space.share.room.members.MemberSessions;
import space.share.room.members.MemberView;
import space.share.room.members.Revocation;
import space.share.room.metrics.RoomMetrics;
import space.share.room.metrics.RoomMetrics.JoinFailure;
import space.share.room.placement.MediaHost;
import space.share.room.placement.Placements;
import space.share.room.status.RoomException;
import space.share.room.status.RoomStatus;
import space.share.room.store.RoomStore;
import space.share.room.store.StoreException;
import space.share.room.token.JoinThrottle;
import space.share.room.token.PasscodeHasher;
import space.share.room.token.SessionTokens;
import space.share.room.token.TokenSigner;
import space.share.room.token.VerificationSlots;
import space.share.room.token.VncTokens;
import space.share.room.vnc.VncEndpoint;

/**
 * Rooms and their members: the seed's DashboardService (create, list, delete) and RoomService
 * (join, GetConfiguration, control, GetVncToken) in one place.
 *
 * <p>Each room's stream is placed on one media server ({@link Placements}: stored with the room, moved by
 * {@link #mediaHostUp} when that server goes down); members' media URLs, the admin's publish URL and the desktop's
 * publish target all name that server.
 *
 * <p>Durable state (rooms, member sessions, history) lives in the {@link RoomStore}; live state (who
 * holds control, pending requests, stream and part states, who is online) lives in memory per room and
 * starts empty after a restart: nobody holds control until someone asks again.
 *
 * <p>Threading: called from any Jetty thread and the poller. Each room's live state is guarded by its
 * own lock; events are emitted under that lock so every listener sees one room's events in order.
 * Slow work (bcrypt, the database) happens outside room locks except for the short history inserts.
 */
public final class RoomService {
  private static final Logger LOG = LoggerFactory.getLogger(RoomService.class);
  private static final int MAX_NAME_CHARS = 100;

  private final RoomStore store;
  private final TokenSigner signer;
  private final SessionTokens sessionTokens;
  private final PasscodeHasher passcodes;
  private final VncTokens vncTokens;
  private final JoinThrottle throttle;
  private final DesktopManager desktops;
  private final Clock clock;
  private final RoomSettings settings;
  private final RoomLimits limits;
  private final VerificationSlots verifications;
  private final MemberSessions sessions;
  private final Placements placements;
  /** Guards the live-room count against concurrent creates (admin only: contention does not matter). */
  private final Object createLock = new Object();
  private final Map<String, LiveRoom> rooms = new ConcurrentHashMap<>();
  private final List<RoomListener> listeners = new CopyOnWriteArrayList<>();
  private volatile RoomMetrics metrics = new RoomMetrics();

  public RoomService(RoomStore store, TokenSigner signer, SessionTokens sessionTokens, PasscodeHasher passcodes,
      VncTokens vncTokens, JoinThrottle throttle, DesktopManager desktops, Clock clock, RoomSettings settings) {
    this(store, signer, sessionTokens, passcodes, vncTokens, throttle, desktops, clock, settings, RoomLimits.DEFAULTS,
        VerificationSlots.forCores(Runtime.getRuntime().availableProcessors()));
  }

  /**
   * @param limits rooms and members at most
   * @param verifications the cap on passcode checks (bcrypt) running at once
   */
  public RoomService(RoomStore store, TokenSigner signer, SessionTokens sessionTokens, PasscodeHasher passcodes,
      VncTokens vncTokens, JoinThrottle throttle, DesktopManager desktops, Clock clock, RoomSettings settings,
      RoomLimits limits, VerificationSlots verifications) {
    this(store, signer, sessionTokens, passcodes, vncTokens, throttle, desktops, clock, settings, limits, verifications,
        new Placements(List.of(new MediaHost(MediaHost.SINGLE_ID, settings.mediaPublicUrl(), "", settings.rtmpUrl(),
            settings.rtmpUrl()))));
  }

  /**
   * @param placements the media servers and which one carries each room's stream (the URLs of {@code settings}
   *     are not used: each server has its own)
   */
  public RoomService(RoomStore store, TokenSigner signer, SessionTokens sessionTokens, PasscodeHasher passcodes,
      VncTokens vncTokens, JoinThrottle throttle, DesktopManager desktops, Clock clock, RoomSettings settings,
      RoomLimits limits, VerificationSlots verifications, Placements placements) {
    this.placements = placements;
    this.limits = limits;
    this.verifications = verifications;
    this.store = store;
    this.signer = signer;
    this.sessionTokens = sessionTokens;
    this.passcodes = passcodes;
    this.vncTokens = vncTokens;
    this.throttle = throttle;
    this.desktops = desktops;
    this.clock = clock;
    this.settings = settings;
    this.sessions = new MemberSessions(store, clock, settings.mediaTokenTtlSeconds(), rooms::containsKey);
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
      rooms.put(room.id(), live);
      // Where it was before the restart, while that server is configured: publishers and members are there.
      Optional<String> before = store.findRoomMediaServer(room.id());
      MediaHost host = placements.place(room.id(), before.orElse(null));
      if (!before.equals(Optional.of(host.id()))) {
        store.setRoomMediaServer(room.id(), host.id());
      }
      desktops.start(room, publishTarget(room.id(), host));
    }
    desktops.retainOnly(Set.copyOf(rooms.keySet()));
    LOG.info("loaded {} room(s)", rooms.size());
  }

  /** Releases every room's desktop (DesktopManager#release); durable state is already in the store. */
  public void stop() {
    for (LiveRoom live : rooms.values()) {
      desktops.release(live.room);
    }
  }

  /** Where joins, join refusals and control changes are counted (its own meters until this is called). */
  public RoomService withMetrics(RoomMetrics roomMetrics) {
    this.metrics = roomMetrics;
    return this;
  }

  /** Active member sessions of the live rooms: one count query per room (at most {@code room.max-rooms}). */
  public int activeMemberCount() {
    long nowMs = clock.millis();
    int total = 0;
    for (String roomId : rooms.keySet()) {
      total += store.countActiveMembers(roomId, nowMs);
    }
    return total;
  }

  public int roomCount() {
    return rooms.size();
  }

  public void addListener(RoomListener listener) {
    listeners.add(listener);
  }

  /** The clock sessions and tokens are timed by: whatever acts on their expiry uses it too. */
  public Clock clock() {
    return clock;
  }

  public Collection<String> roomIds() {
    return new ArrayList<>(rooms.keySet());
  }

  // ---------------------------------------------------------------- DashboardService (admin)

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
    String roomName = requireName(name == null ? roomId : name, "name");
    String ownerDisplayName = requireName(ownerName == null ? "owner" : ownerName, "ownerName");
    String roomPasscode = passcode == null ? sessionTokens.newPasscode(settings.generatedPasscodeChars()) : passcode;
    if (roomPasscode.length() < 4 || roomPasscode.length() > PasscodeHasher.MAX_PASSCODE_CHARS) {
      throw new RoomException(RoomStatus.BAD_REQUEST, "passcode must have 4 to " + PasscodeHasher.MAX_PASSCODE_CHARS + " characters");
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
      if (rooms.size() >= limits.maxRooms()) {
        LOG.info("room {} not created: {} live rooms, the maximum (room.max-rooms)", roomId, rooms.size());
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
      rooms.put(roomId, live);
    }
    desktops.start(room, publishTarget(roomId, host));
    LOG.info("room {} created on media server {}", roomId, host.id());
    Member owner = new Member(ownerId, roomId, ownerDisplayName, true, nowMs, nowMs + settings.sessionTtlMs());
    return new RoomViews.CreatedRoom(adminView(live), roomPasscode, session(owner, ownerToken));
  }

  /** ListRooms. */
  public List<RoomViews.AdminRoom> listRooms() {
    List<RoomViews.AdminRoom> views = new ArrayList<>();
    for (RoomStore.RoomRow row : store.listLiveRooms()) {
      LiveRoom live = rooms.get(row.id());
      if (live != null) {
        views.add(adminView(live));
      }
    }
    return views;
  }

  public RoomViews.AdminRoom adminRoom(String roomId) {
    return adminView(liveRoom(roomId));
  }

  /** DeleteRoom: members are disconnected, sessions end, history stays, the id stays taken. */
  public void deleteRoom(String roomId) {
    LiveRoom live = liveRoom(roomId);
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
      emit(roomId, new RoomEvent.RoomDeleted(roomId));
    }
    desktops.stop(live.room);
    LOG.info("room {} deleted", roomId);
  }

  public RoomViews.History history(String roomId) {
    liveRoom(roomId);
    List<RoomViews.ShareSession> shares = store.listShareSessions(roomId).stream()
        .map(s -> new RoomViews.ShareSession(iso(s.startedAtMs()), iso(s.endedAtMs()), s.width(), s.height(), s.frameRate(), s.codecs()))
        .toList();
    List<RoomViews.ControlGrant> grants = store.listControlGrants(roomId).stream()
        .map(g -> new RoomViews.ControlGrant(g.memberId(), g.memberName(), g.reason(), iso(g.acquiredAtMs()), iso(g.releasedAtMs())))
        .toList();
    return new RoomViews.History(roomId, shares, grants);
  }

  // ---------------------------------------------------------------- members

  /**
   * Join: room id + passcode → a member session. Each attempt is counted by the {@link JoinThrottle} before anything
   * else (an address over its limit costs neither a database query nor a hash) and taken back when the passcode was
   * right; the hash runs in one of the {@link VerificationSlots}. Joins with the admin credential check no passcode
   * and are neither throttled nor counted against the room's member cap.
   *
   * @param asOwner true when the caller proved the admin credential: the session is an owner's
   */
  public RoomViews.Session join(String roomId, String passcode, String name, String clientAddress, boolean asOwner) {
    String memberName = requireName(name, "name");
    boolean wellFormed = TokenSigner.ROOM_ID.matcher(roomId).matches();
    try (JoinThrottle.Reservation attempt = asOwner ? throttle.none()
        : throttle.tryReserve(clientAddress, wellFormed ? roomId : null)) {
      if (!attempt.admitted()) {
        metrics.joinFailed(JoinFailure.THROTTLED);
        LOG.info("join of room {} from {} throttled for {} s ({})", roomId, clientAddress, attempt.retryAfterSeconds(),
            attempt.refusal() == JoinThrottle.Refusal.CLIENT ? "address limit" : "room back-off");
        throw new RoomException(RoomStatus.TOO_MANY_ATTEMPTS, "too many wrong passcodes; retry in "
            + attempt.retryAfterSeconds() + " s", attempt.retryAfterSeconds());
      }
      Optional<RoomStore.RoomRow> row = wellFormed ? store.findRoom(roomId) : Optional.empty();
      if (row.isEmpty()) {
        attempt.failed();
        metrics.joinFailed(JoinFailure.UNKNOWN_ROOM);
        LOG.info("join of unknown room {} from {}", roomId, clientAddress);
        throw new RoomException(RoomStatus.NOT_FOUND, "no room " + roomId);
      }
      if (row.get().deleted()) {
        throw new RoomException(RoomStatus.ROOM_DELETED, "room " + roomId + " was deleted");
      }
      if (!asOwner) {
        if (!verifications.tryAcquire()) {
          metrics.joinFailed(JoinFailure.BUSY);
          LOG.info("join of room {} from {} refused: {} passcode checks running and more waiting", roomId, clientAddress,
              verifications.inUse());
          throw new RoomException(RoomStatus.BUSY, "too many joins at once; retry in 1 s", 1);
        }
        boolean right;
        try {
          right = passcodes.matches(row.get().passcodeHash(), passcode);
        } finally {
          verifications.release();
        }
        if (!right) {
          attempt.failed();
          metrics.joinFailed(JoinFailure.WRONG_PASSCODE);
          LOG.info("wrong passcode for room {} from {}", roomId, clientAddress);
          throw new RoomException(RoomStatus.WRONG_PASSCODE, "wrong passcode for room " + roomId);
        }
      }
      return admit(liveRoom(roomId), memberName, clientAddress, asOwner);
    }
  }

  /** Adds the member session, unless the room has its maximum of active members (the owner is never refused). */
  private RoomViews.Session admit(LiveRoom live, String memberName, String clientAddress, boolean asOwner) {
    String roomId = live.room.id();
    long nowMs = clock.millis();
    String memberId = sessionTokens.newMemberId();
    String token = sessionTokens.newToken();
    Member member = new Member(memberId, roomId, memberName, asOwner, nowMs, nowMs + settings.sessionTtlMs());
    synchronized (live) { // the count and the insert in one step: two short queries under the room lock
      int active = store.countActiveMembers(roomId, nowMs);
      if (!asOwner && active >= limits.maxMembersPerRoom()) {
        metrics.joinFailed(JoinFailure.FULL);
        LOG.info("join of room {} from {} refused: {} active members, the maximum (room.members.max-per-room)", roomId,
            clientAddress, active);
        throw new RoomException(RoomStatus.ROOM_FULL, "room " + roomId + " has its maximum of "
            + limits.maxMembersPerRoom() + " members");
      }
      store.insertMember(new RoomStore.MemberRow(memberId, roomId, memberName, asOwner, SessionTokens.hash(token), nowMs,
          member.expiresAtMs(), 0));
      emit(roomId, new RoomEvent.MemberJoined(new MemberView(memberId, memberName, asOwner, false)));
    }
    metrics.memberJoined();
    LOG.info("member {} joined room {} from {}", memberId, roomId, clientAddress);
    return session(member, token);
  }

  /** The member a bearer token belongs to: {@link MemberSessions#authenticate}. */
  public Member authenticate(String roomId, String token) {
    return sessions.authenticate(roomId, token);
  }

  /** GetConfiguration, with fresh media URLs for this member. */
  public RoomViews.Configuration configuration(Member member) {
    LiveRoom live = liveRoom(member.roomId());
    long nowMs = clock.millis();
    RoomViews.MediaAccess media = mediaAccess(member);
    List<MemberView> members = memberViews(live, nowMs);
    synchronized (live) {
      MemberView you = new MemberView(member.id(), member.name(), member.owner(), live.openSocketsByMember.containsKey(member.id()));
      return new RoomViews.Configuration(live.room.id(), live.room.name(), you, media.urls(),
          media.mediaTokenExpiresAt(), live.parts(), live.stream, control(live), members);
    }
  }

  /**
   * The member's feed and playlist URLs on the media server carrying the room's stream, with a fresh media token
   * (valid on every server: they share the secret). No database access.
   */
  public RoomViews.MediaAccess mediaAccess(Member member) {
    liveRoom(member.roomId());
    MediaHost host = placedHost(member.roomId());
    long nowMs = clock.millis();
    long mediaExpiresSeconds = Math.min(member.expiresAtMs() / 1000, nowMs / 1000 + settings.mediaTokenTtlSeconds());
    String mediaToken = signer.mediaToken(member.roomId(), member.id(), mediaExpiresSeconds);
    String mediaBase = RoomSettings.trimSlash(host.publicUrl()) + "/live/" + member.roomId();
    String mediaWsBase = RoomSettings.webSocketBase(host.publicUrl()) + "/live/" + member.roomId();
    String roomWsBase = RoomSettings.webSocketBase(settings.publicUrl()) + "/rooms/" + member.roomId();
    RoomViews.Urls urls = new RoomViews.Urls(mediaWsBase + "/feed?token=" + mediaToken,
        mediaBase + "/index.m3u8?token=" + mediaToken, roomWsBase + "/events", roomWsBase + "/vnc");
    return new RoomViews.MediaAccess(host.id(), urls, iso(mediaExpiresSeconds * 1000));
  }

  /** Ends a member's session: they drop out of the member list and give up control or their request. */
  public void leave(Member member) {
    LiveRoom live = liveRoom(member.roomId());
    store.markMemberLeft(member.id(), clock.millis());
    synchronized (live) {
      applyChange(live, live.control.remove(member.id(), clock.millis()));
      vncTokens.revoke(member.roomId(), member.id());
      emit(member.roomId(), new RoomEvent.MemberLeft(member.id()));
    }
    LOG.info("member {} left room {}", member.id(), member.roomId());
  }

  /** What the media server is sent again after it restarts: {@link MemberSessions#recentRevocations}. */
  public List<Revocation> recentRevocations() {
    return sessions.recentRevocations();
  }

  /** An event socket of {@code member} opened ({@code +1}) or closed ({@code -1}). */
  public void socketOpened(Member member, boolean opened) {
    LiveRoom live = rooms.get(member.roomId());
    if (live == null) {
      return;
    }
    synchronized (live) {
      int before = live.openSocketsByMember.getOrDefault(member.id(), 0);
      int after = Math.max(0, before + (opened ? 1 : -1));
      if (after == 0) {
        live.openSocketsByMember.remove(member.id());
      } else {
        live.openSocketsByMember.put(member.id(), after);
      }
      if ((before == 0) != (after == 0)) {
        emit(member.roomId(), new RoomEvent.Presence(member.id(), after > 0));
      }
    }
  }

  // ---------------------------------------------------------------- control

  /** Granted at once when nobody holds control or the holder is idle; otherwise queued and the holder asked. */
  public RoomViews.Control requestControl(Member member) {
    LiveRoom live = liveRoom(member.roomId());
    synchronized (live) {
      ControlState.Change change = live.control.request(member.id(), clock.millis());
      if (change != null) {
        applyChange(live, change);
      } else if (!live.control.isHolder(member.id())) {
        emit(member.roomId(), new RoomEvent.ControlRequested(member.id(), live.control.holderId(), live.control.pending()));
      }
      return control(live);
    }
  }

  /** Gives up control (it passes to the oldest pending request, if any) or withdraws a pending request. */
  public RoomViews.Control releaseControl(Member member) {
    LiveRoom live = liveRoom(member.roomId());
    synchronized (live) {
      if (live.control.isHolder(member.id())) {
        applyChange(live, live.control.release(member.id(), clock.millis()));
      } else if (live.control.cancel(member.id())) {
        emit(member.roomId(), new RoomEvent.ControlRequested(null, live.control.holderId(), live.control.pending()));
      } else {
        throw new RoomException(RoomStatus.NOT_IN_CONTROL, "you neither hold nor requested control");
      }
      return control(live);
    }
  }

  /** The holder hands control to another active member. */
  public RoomViews.Control giveControl(Member member, String toMemberId) {
    LiveRoom live = liveRoom(member.roomId());
    boolean isMember = toMemberId != null
        && memberViews(live, clock.millis()).stream().anyMatch(view -> view.id().equals(toMemberId));
    synchronized (live) {
      if (!live.control.isHolder(member.id())) {
        throw new RoomException(RoomStatus.NOT_IN_CONTROL, "only the member holding control can give it");
      }
      if (!isMember) {
        throw new RoomException(RoomStatus.BAD_REQUEST, "memberId is not an active member of this room");
      }
      applyChange(live, live.control.give(toMemberId, clock.millis()));
      return control(live);
    }
  }

  /** The room owner takes control at once. */
  public RoomViews.Control takeControl(Member member) {
    if (!member.owner()) {
      throw new RoomException(RoomStatus.FORBIDDEN, "only the room owner can take control");
    }
    LiveRoom live = liveRoom(member.roomId());
    synchronized (live) {
      applyChange(live, live.control.take(member.id(), clock.millis()));
      return control(live);
    }
  }

  /** Input from the holder's VNC connection: resets the idle clock that lets pending requests pass. */
  public void noteInput(String roomId, String memberId) {
    LiveRoom live = rooms.get(roomId);
    if (live != null) {
      synchronized (live) {
        live.control.noteInput(memberId, clock.millis());
      }
    }
  }

  /** Passes control to pending requests whose holder went idle. Called a few times a second. */
  public void tickControl() {
    long nowMs = clock.millis();
    for (LiveRoom live : rooms.values()) {
      synchronized (live) {
        applyChange(live, live.control.tick(nowMs));
      }
    }
  }

  public boolean holdsControl(String roomId, String memberId) {
    LiveRoom live = rooms.get(roomId);
    if (live == null) {
      return false;
    }
    synchronized (live) {
      return live.control.isHolder(memberId);
    }
  }

  // ---------------------------------------------------------------- VNC

  /** GetVncToken: only for the member holding control. */
  public RoomViews.VncToken vncToken(Member member) {
    LiveRoom live = liveRoom(member.roomId());
    synchronized (live) {
      if (!live.control.isHolder(member.id())) {
        throw new RoomException(RoomStatus.NOT_IN_CONTROL, "request control first: only the holder gets a VNC token");
      }
    }
    String token = vncTokens.issue(member.roomId(), member.id());
    String url = RoomSettings.webSocketBase(settings.publicUrl()) + "/rooms/" + member.roomId() + "/vnc?token=" + token;
    return new RoomViews.VncToken(token, url, vncTokens.ttlMs());
  }

  /** What a VNC connection may open: the member it is for and the room's VNC server (with its password). */
  public record VncTarget(String roomId, String memberId, VncEndpoint endpoint) {}

  /**
   * Consumes a VNC token for a connection to {@code roomId}'s VNC server.
   *
   * @throws RoomException VNC_TOKEN_INVALID, ROOM_DELETED / NOT_FOUND, NOT_IN_CONTROL, VNC_UNAVAILABLE
   */
  public VncTarget openVnc(String roomId, String token) {
    VncTokens.Grant grant = vncTokens.consume(token, roomId)
        .orElseThrow(() -> new RoomException(RoomStatus.VNC_TOKEN_INVALID, "VNC token unknown, used, expired or for another room"));
    LiveRoom live = liveRoom(roomId);
    synchronized (live) {
      if (!live.control.isHolder(grant.memberId())) {
        throw new RoomException(RoomStatus.NOT_IN_CONTROL, "control has passed to another member");
      }
    }
    VncEndpoint endpoint = desktops.vncEndpoint(roomId)
        .orElseThrow(() -> new RoomException(RoomStatus.VNC_UNAVAILABLE, "room " + roomId + " has no VNC server"));
    return new VncTarget(roomId, grant.memberId(), endpoint);
  }

  // ---------------------------------------------------------------- parts (poller)

  /**
   * The media server's answer for a room's stream: a status, empty (unknown stream: not live), or null
   * when the media server could not be reached (the last known state stays).
   */
  public void updateStream(String roomId, Optional<StreamStatus> status) {
    LiveRoom live = rooms.get(roomId);
    if (live == null) {
      return;
    }
    long nowMs = clock.millis();
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
            live.shareSessionId = store.insertShareSession(roomId, nowMs, next.width(), next.height(), next.frameRate(), next.codecs());
          }
          emit(roomId, new RoomEvent.StreamChanged(true, next));
        } else if (next == null && (wasLive || live.shareSessionId != 0)) {
          if (live.shareSessionId != 0) {
            store.endShareSession(live.shareSessionId, nowMs);
            live.shareSessionId = 0;
          }
          emit(roomId, new RoomEvent.StreamChanged(false, null));
        }
      }
      emitPartsIfChanged(live, before);
    }
  }

  public void updateDesktop(String roomId, DesktopState state, boolean vncReachable) {
    LiveRoom live = rooms.get(roomId);
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

  // ---------------------------------------------------------------- media servers (poller)

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
    LOG.info("media server {} is {}{}", hostId, up ? "up" : "down", moves.isEmpty() ? "" : "; moving " + moves.size() + " room(s)");
    for (Placements.Move move : moves) {
      LiveRoom live = rooms.get(move.roomId());
      if (live == null) {
        continue;
      }
      store.setRoomMediaServer(move.roomId(), move.to().id());
      synchronized (live) {
        if (rooms.get(move.roomId()) != live) {
          continue; // deleted meanwhile: its desktop is stopping, nothing to tell
        }
        // Under the room's lock: a delete waits, so it never races this start into a new desktop.
        desktops.start(live.room, publishTarget(move.roomId(), move.to()));
        LOG.warn("room {}: stream moved from media server {} to {}", move.roomId(), move.from().id(), move.to().id());
        emit(move.roomId(), new RoomEvent.MediaMoved(move.to().id()));
      }
    }
  }

  /** A live room's server; a room deleted a moment ago has none. */
  private MediaHost placedHost(String roomId) {
    return placements.hostOf(roomId).orElseThrow(() -> new RoomException(RoomStatus.NOT_FOUND, "no room " + roomId));
  }

  private PublishTarget publishTarget(String roomId, MediaHost host) {
    return PublishTarget.of(host.id(), host.desktopRtmpUrl(), signer.streamKey(roomId));
  }

  // ---------------------------------------------------------------- internals

  private void emitPartsIfChanged(LiveRoom live, RoomParts before) {
    RoomParts after = live.parts();
    if (!after.equals(before)) {
      emit(live.room.id(), new RoomEvent.PartsChanged(after));
    }
  }

  /** Records a change of holder in the history, voids the old holder's VNC tokens, broadcasts it. */
  private void applyChange(LiveRoom live, ControlState.Change change) {
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
    emit(roomId, new RoomEvent.ControlChanged(change.holderId(), change.previousHolderId(), change.reason(), live.control.pending()));
  }

  private void emit(String roomId, RoomEvent event) {
    for (RoomListener listener : listeners) {
      try {
        listener.onEvent(roomId, event);
      } catch (RuntimeException e) {
        LOG.error("room listener failed on {}", event, e);
      }
    }
  }

  private RoomViews.Control control(LiveRoom live) {
    return new RoomViews.Control(live.control.holderId(), live.control.pending());
  }

  private List<MemberView> memberViews(LiveRoom live, long nowMs) {
    List<RoomStore.MemberRow> rows = store.listActiveMembers(live.room.id(), nowMs);
    synchronized (live) {
      return rows.stream()
          .map(row -> new MemberView(row.id(), row.name(), row.owner(), live.openSocketsByMember.containsKey(row.id())))
          .toList();
    }
  }

  private RoomViews.AdminRoom adminView(LiveRoom live) {
    int memberCount = store.listActiveMembers(live.room.id(), clock.millis()).size();
    String streamKey = signer.streamKey(live.room.id());
    MediaHost host = placedHost(live.room.id());
    synchronized (live) {
      return new RoomViews.AdminRoom(live.room.id(), live.room.name(), iso(live.room.createdAtMs()), live.room.ownerMemberId(),
          streamKey, PublishTarget.of(host.id(), host.rtmpUrl(), streamKey).rtmpUrl(), host.id(), live.parts(),
          control(live), memberCount);
    }
  }

  private RoomViews.Session session(Member member, String token) {
    return new RoomViews.Session(member.id(), token, iso(member.expiresAtMs()), configuration(member));
  }

  private LiveRoom liveRoom(String roomId) {
    LiveRoom live = rooms.get(roomId);
    if (live != null) {
      return live;
    }
    boolean deleted = TokenSigner.ROOM_ID.matcher(roomId).matches()
        && store.findRoom(roomId).map(RoomStore.RoomRow::deleted).orElse(false);
    throw deleted ? new RoomException(RoomStatus.ROOM_DELETED, "room " + roomId + " was deleted")
        : new RoomException(RoomStatus.NOT_FOUND, "no room " + roomId);
  }

  private static String requireName(String name, String field) {
    if (name == null || name.isBlank() || name.length() > MAX_NAME_CHARS || name.chars().anyMatch(Character::isISOControl)) {
      throw new RoomException(RoomStatus.BAD_REQUEST, field + " must be 1 to " + MAX_NAME_CHARS + " printable characters");
    }
    return name.strip();
  }

  private static String iso(long epochMs) {
    return epochMs == 0 ? null : Instant.ofEpochMilli(epochMs).toString();
  }
}
