package space.share.room.rooms;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.room.members.Member;
import space.share.room.members.MemberSessions;
import space.share.room.members.MemberView;
import space.share.room.members.Revocation;
import space.share.room.metrics.RoomMetrics.JoinFailure;
import space.share.room.metrics.RoomMetrics;
import space.share.room.placement.MediaHost;
import space.share.room.placement.Placements;
import space.share.room.status.RoomException;
import space.share.room.status.RoomStatus;
import space.share.room.store.RoomStore;
import space.share.room.token.JoinThrottle;
import space.share.room.token.PasscodeHasher;
import space.share.room.token.SessionTokens;
import space.share.room.token.TokenSigner;
import space.share.room.token.VerificationSlots;
import space.share.room.token.VncTokens;

/**
 * A room's members (the seed's RoomService join and GetConfiguration): join by passcode, the session token that
 * names a member afterwards, the member's view of the room with fresh media URLs, leaving, and who is online.
 *
 * <p>Slow work (bcrypt, the database) happens outside room locks except for the short member count and insert.
 */
public final class MembershipService {
  private static final Logger LOG = LoggerFactory.getLogger(MembershipService.class);

  private final RoomRegistry rooms;
  private final RoomStore store;
  private final TokenSigner signer;
  private final SessionTokens sessionTokens;
  private final PasscodeHasher passcodes;
  private final JoinThrottle throttle;
  private final VerificationSlots verifications;
  private final VncTokens vncTokens;
  private final ControlService control;
  private final Placements placements;
  private final RoomSettings settings;
  private final RoomLimits limits;
  private final RoomMetrics metrics;
  private final MemberSessions sessions;
  private final Clock clock;

  MembershipService(RoomRegistry rooms, RoomStore store, TokenSigner signer, SessionTokens sessionTokens,
      PasscodeHasher passcodes, JoinThrottle throttle, VerificationSlots verifications, VncTokens vncTokens,
      ControlService control, Placements placements, RoomSettings settings, RoomLimits limits, RoomMetrics metrics) {
    this.rooms = rooms;
    this.store = store;
    this.signer = signer;
    this.sessionTokens = sessionTokens;
    this.passcodes = passcodes;
    this.throttle = throttle;
    this.verifications = verifications;
    this.vncTokens = vncTokens;
    this.control = control;
    this.placements = placements;
    this.settings = settings;
    this.limits = limits;
    this.metrics = metrics;
    this.clock = rooms.clock();
    this.sessions = new MemberSessions(store, clock, settings.mediaTokenTtlSeconds(), rooms::contains);
  }

  /** The clock sessions and tokens are timed by: whatever acts on their expiry uses it too. */
  public Clock clock() {
    return clock;
  }

  /**
   * Join: room id + passcode → a member session. Each attempt is counted by the {@link JoinThrottle} before anything
   * else (an address over its limit costs neither a database query nor a hash) and taken back when the passcode was
   * right; the hash runs in one of the {@link VerificationSlots}. Joins with the admin credential check no passcode
   * and are neither throttled nor counted against the room's member cap.
   *
   * @param asOwner true when the caller proved the admin credential: the session is an owner's
   */
  public RoomViews.Session join(String roomId, String passcode, String name, String clientAddress, boolean asOwner) {
    String memberName = RoomViews.requireName(name, "name");
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
      return admit(rooms.live(roomId), memberName, clientAddress, asOwner);
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
      rooms.emit(roomId, new RoomEvent.MemberJoined(new MemberView(memberId, memberName, asOwner, false)));
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
    LiveRoom live = rooms.live(member.roomId());
    long nowMs = clock.millis();
    RoomViews.MediaAccess media = mediaAccess(member);
    List<MemberView> members = rooms.memberViews(live, nowMs);
    synchronized (live) {
      MemberView you = new MemberView(member.id(), member.name(), member.owner(),
          live.openSocketsByMember.containsKey(member.id()));
      return new RoomViews.Configuration(live.room.id(), live.room.name(), you, media.urls(),
          media.mediaTokenExpiresAt(), live.parts(), live.stream, live.controlView(), members);
    }
  }

  /**
   * The member's feed and playlist URLs on the media server carrying the room's stream, with a fresh media token
   * (valid on every server: they share the secret). No database access.
   */
  public RoomViews.MediaAccess mediaAccess(Member member) {
    rooms.live(member.roomId());
    MediaHost host = placements.placed(member.roomId());
    long nowMs = clock.millis();
    long mediaExpiresSeconds = Math.min(member.expiresAtMs() / 1000, nowMs / 1000 + settings.mediaTokenTtlSeconds());
    String mediaToken = signer.mediaToken(member.roomId(), member.id(), mediaExpiresSeconds);
    String mediaBase = RoomSettings.trimSlash(host.publicUrl()) + "/live/" + member.roomId();
    String mediaWsBase = RoomSettings.webSocketBase(host.publicUrl()) + "/live/" + member.roomId();
    String roomWsBase = RoomSettings.webSocketBase(settings.publicUrl()) + "/rooms/" + member.roomId();
    RoomViews.Urls urls = new RoomViews.Urls(mediaWsBase + "/feed?token=" + mediaToken,
        mediaBase + "/index.m3u8?token=" + mediaToken, roomWsBase + "/events", roomWsBase + "/vnc");
    return new RoomViews.MediaAccess(host.id(), urls, RoomViews.iso(mediaExpiresSeconds * 1000));
  }

  /** Ends a member's session: they drop out of the member list and give up control or their request. */
  public void leave(Member member) {
    LiveRoom live = rooms.live(member.roomId());
    store.markMemberLeft(member.id(), clock.millis());
    synchronized (live) {
      control.memberGone(live, member.id());
      vncTokens.revoke(member.roomId(), member.id());
      rooms.emit(member.roomId(), new RoomEvent.MemberLeft(member.id()));
    }
    LOG.info("member {} left room {}", member.id(), member.roomId());
  }

  /** What the media server is sent again after it restarts: {@link MemberSessions#recentRevocations}. */
  public List<Revocation> recentRevocations() {
    return sessions.recentRevocations();
  }

  /** An event socket of {@code member} opened ({@code true}) or closed ({@code false}). */
  public void socketOpened(Member member, boolean opened) {
    LiveRoom live = rooms.find(member.roomId());
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
        rooms.emit(member.roomId(), new RoomEvent.Presence(member.id(), after > 0));
      }
    }
  }

  /** Active member sessions of the live rooms: one count query per room (at most {@code room.max-rooms}). */
  public int activeMemberCount() {
    long nowMs = clock.millis();
    int total = 0;
    for (String roomId : rooms.roomIds()) {
      total += store.countActiveMembers(roomId, nowMs);
    }
    return total;
  }

  /** A new session's answer: the member, its bearer token, and the room as it sees it. */
  RoomViews.Session session(Member member, String token) {
    return new RoomViews.Session(member.id(), token, RoomViews.iso(member.expiresAtMs()), configuration(member));
  }
}
