package space.share.room.members;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import space.share.room.status.RoomException;
import space.share.room.status.RoomStatus;
import space.share.room.store.RoomStore;
import space.share.room.token.SessionTokens;

/**
 * Member sessions as the store keeps them: who a bearer token belongs to, and which ended sessions and deleted rooms
 * still void media tokens. Stateless over the {@link RoomStore}; thread-safe.
 */
public final class MemberSessions {
  private final RoomStore store;
  private final Clock clock;
  private final long mediaTokenTtlSeconds;
  private final Predicate<String> roomIsLive;

  /**
   * @param mediaTokenTtlSeconds {@code room.media.token-ttl-seconds}: how long a revocation stays relevant
   * @param roomIsLive whether a room id names a live (loaded, undeleted) room
   */
  public MemberSessions(RoomStore store, Clock clock, long mediaTokenTtlSeconds, Predicate<String> roomIsLive) {
    this.store = store;
    this.clock = clock;
    this.mediaTokenTtlSeconds = mediaTokenTtlSeconds;
    this.roomIsLive = roomIsLive;
  }

  /**
   * The member a bearer token belongs to, if it is for {@code roomId}, active and unexpired.
   *
   * @throws RoomException UNAUTHORIZED (no or unknown token, session ended), FORBIDDEN (another room's
   *     token), TOKEN_EXPIRED, ROOM_DELETED, NOT_FOUND (no such room)
   */
  public Member authenticate(String roomId, String token) {
    if (token == null || token.isEmpty()) {
      throw new RoomException(RoomStatus.UNAUTHORIZED, "a member token is required");
    }
    Optional<RoomStore.MemberRow> found = store.findMemberByTokenHash(SessionTokens.hash(token));
    if (found.isEmpty()) {
      throw new RoomException(RoomStatus.UNAUTHORIZED, "unknown member token");
    }
    RoomStore.MemberRow row = found.get();
    if (!row.roomId().equals(roomId)) {
      throw new RoomException(RoomStatus.FORBIDDEN, "this token is for another room");
    }
    if (!roomIsLive.test(roomId)) {
      boolean deleted = store.findRoom(roomId).map(RoomStore.RoomRow::deleted).orElse(false);
      throw deleted ? new RoomException(RoomStatus.ROOM_DELETED, "room " + roomId + " was deleted")
          : new RoomException(RoomStatus.NOT_FOUND, "no room " + roomId);
    }
    if (row.leftAtMs() != 0) {
      throw new RoomException(RoomStatus.UNAUTHORIZED, "this member session has ended");
    }
    if (row.expiresAtMs() <= clock.millis()) {
      throw new RoomException(RoomStatus.TOKEN_EXPIRED, "this member session expired; join again");
    }
    return new Member(row.id(), row.roomId(), row.name(), row.owner(), row.joinedAtMs(), row.expiresAtMs());
  }

  /**
   * The media token revocations that still matter at this moment: every session ended and every room deleted within
   * one media token lifetime, each kept until the latest expiry a token issued before it can have. What the media
   * server is sent again after it restarts ({@code mediaclient.MediaRevocations}).
   */
  public List<Revocation> recentRevocations() {
    long nowMs = clock.millis();
    long sinceMs = nowMs - mediaTokenTtlSeconds * 1000;
    List<Revocation> revocations = new ArrayList<>();
    for (RoomStore.RoomRow room : store.listRoomsDeletedSince(sinceMs)) {
      revocations.add(new Revocation(room.id(), null, room.deletedAtMs() / 1000 + mediaTokenTtlSeconds));
    }
    for (RoomStore.MemberRow member : store.listMembersLeftSince(sinceMs)) {
      revocations.add(new Revocation(member.roomId(), member.id(), member.leftAtMs() / 1000 + mediaTokenTtlSeconds));
    }
    return revocations;
  }
}
