package space.share.room.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * JDBC access to rooms, member sessions and history. Plain SQL that H2 and PostgreSQL both run.
 *
 * <p>Thread-safe: every call takes its own pooled connection in auto-commit mode. {@link SQLException}s
 * become {@link StoreException}s.
 */
public final class RoomStore {
  /** A room row. {@code deletedAtMs} is 0 for a live room. */
  public record RoomRow(String id, String name, String passcodeHash, String ownerMemberId, long createdAtMs, long deletedAtMs) {
    public boolean deleted() {
      return deletedAtMs != 0;
    }
  }

  /** A member session row. {@code leftAtMs} is 0 while the session is active. */
  public record MemberRow(String id, String roomId, String name, boolean owner, String tokenHash, long joinedAtMs, long expiresAtMs, long leftAtMs) {}

  public record ShareSessionRow(long id, String roomId, long startedAtMs, long endedAtMs, Integer width, Integer height, Double frameRate, String codecs) {}

  public record ControlGrantRow(long id, String roomId, String memberId, String memberName, String reason, long acquiredAtMs, long releasedAtMs) {}

  private final DataSource dataSource;

  public RoomStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public void insertRoom(RoomRow room) {
    update("INSERT INTO rooms (id, name, passcode_hash, owner_member_id, created_at_ms) VALUES (?, ?, ?, ?, ?)",
        room.id(), room.name(), room.passcodeHash(), room.ownerMemberId(), room.createdAtMs());
  }

  public void setRoomOwner(String roomId, String memberId) {
    update("UPDATE rooms SET owner_member_id = ? WHERE id = ?", memberId, roomId);
  }

  /** Any room with this id, deleted or not. */
  public Optional<RoomRow> findRoom(String roomId) {
    List<RoomRow> rows = query("SELECT id, name, passcode_hash, owner_member_id, created_at_ms, deleted_at_ms FROM rooms WHERE id = ?",
        RoomStore::roomRow, roomId);
    return rows.stream().findFirst();
  }

  public List<RoomRow> listLiveRooms() {
    return query("SELECT id, name, passcode_hash, owner_member_id, created_at_ms, deleted_at_ms FROM rooms"
        + " WHERE deleted_at_ms IS NULL ORDER BY created_at_ms, id", RoomStore::roomRow);
  }

  /** Marks a room deleted and ends its member sessions; history rows stay. */
  public void markRoomDeleted(String roomId, long atMs) {
    update("UPDATE rooms SET deleted_at_ms = ? WHERE id = ? AND deleted_at_ms IS NULL", atMs, roomId);
    update("UPDATE members SET left_at_ms = ? WHERE room_id = ? AND left_at_ms IS NULL", atMs, roomId);
  }

  public void insertMember(MemberRow member) {
    update("INSERT INTO members (id, room_id, name, owner, token_hash, joined_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
        member.id(), member.roomId(), member.name(), member.owner(), member.tokenHash(), member.joinedAtMs(), member.expiresAtMs());
  }

  public Optional<MemberRow> findMemberByTokenHash(String tokenHash) {
    return query("SELECT id, room_id, name, owner, token_hash, joined_at_ms, expires_at_ms, left_at_ms FROM members WHERE token_hash = ?",
        RoomStore::memberRow, tokenHash).stream().findFirst();
  }

  public Optional<MemberRow> findMember(String memberId) {
    return query("SELECT id, room_id, name, owner, token_hash, joined_at_ms, expires_at_ms, left_at_ms FROM members WHERE id = ?",
        RoomStore::memberRow, memberId).stream().findFirst();
  }

  /** Members of a room that have not left and whose session has not expired at {@code nowMs}. */
  public List<MemberRow> listActiveMembers(String roomId, long nowMs) {
    return query("SELECT id, room_id, name, owner, token_hash, joined_at_ms, expires_at_ms, left_at_ms FROM members"
        + " WHERE room_id = ? AND left_at_ms IS NULL AND expires_at_ms > ? ORDER BY joined_at_ms, id",
        RoomStore::memberRow, roomId, nowMs);
  }

  /** How many members of a room have not left and have not expired at {@code nowMs}. */
  public int countActiveMembers(String roomId, long nowMs) {
    return query("SELECT COUNT(*) FROM members WHERE room_id = ? AND left_at_ms IS NULL AND expires_at_ms > ?",
        rs -> rs.getInt(1), roomId, nowMs).get(0);
  }

  /**
   * Deletes member sessions that ended (left, or expired) before {@code endedBeforeMs}, at most {@code maxRows} of
   * them, oldest first; returns how many went. The room's owner row goes too once its session ended: the room keeps
   * the id in {@code owner_member_id}, and history rows keep member ids and names as text.
   */
  public int purgeEndedMembers(long endedBeforeMs, int maxRows) {
    // A sub-select with LIMIT: H2 and PostgreSQL both run it, neither has DELETE ... LIMIT in common.
    return update("DELETE FROM members WHERE id IN (SELECT id FROM members"
        + " WHERE (left_at_ms IS NOT NULL AND left_at_ms < ?) OR (left_at_ms IS NULL AND expires_at_ms < ?)"
        + " ORDER BY expires_at_ms LIMIT ?)", endedBeforeMs, endedBeforeMs, maxRows);
  }

  /** Every member row, ended or not (for tests and the log). */
  public int countMembers() {
    return query("SELECT COUNT(*) FROM members", rs -> rs.getInt(1)).get(0);
  }

  /** Sessions of rooms not deleted that ended (left, not expired) after {@code sinceMs}: their media tokens may live. */
  public List<MemberRow> listMembersLeftSince(long sinceMs) {
    return query("SELECT m.id, m.room_id, m.name, m.owner, m.token_hash, m.joined_at_ms, m.expires_at_ms, m.left_at_ms"
        + " FROM members m JOIN rooms r ON r.id = m.room_id"
        + " WHERE m.left_at_ms > ? AND m.left_at_ms < m.expires_at_ms AND r.deleted_at_ms IS NULL ORDER BY m.left_at_ms",
        RoomStore::memberRow, sinceMs);
  }

  /** Records the media server a room's stream is placed on. */
  public void setRoomMediaServer(String roomId, String mediaServerId) {
    update("UPDATE rooms SET media_server = ? WHERE id = ?", mediaServerId, roomId);
  }

  /** The media server a room was last placed on, if any. */
  public Optional<String> findRoomMediaServer(String roomId) {
    return query("SELECT media_server FROM rooms WHERE id = ?", rs -> Optional.ofNullable(rs.getString(1)), roomId)
        .stream().findFirst().flatMap(server -> server);
  }

  /** Rooms deleted after {@code sinceMs}. */
  public List<RoomRow> listRoomsDeletedSince(long sinceMs) {
    return query("SELECT id, name, passcode_hash, owner_member_id, created_at_ms, deleted_at_ms FROM rooms"
        + " WHERE deleted_at_ms > ? ORDER BY deleted_at_ms", RoomStore::roomRow, sinceMs);
  }

  public void markMemberLeft(String memberId, long atMs) {
    update("UPDATE members SET left_at_ms = ? WHERE id = ? AND left_at_ms IS NULL", atMs, memberId);
  }

  public long insertControlGrant(String roomId, String memberId, String memberName, String reason, long atMs) {
    return insertReturningId("INSERT INTO control_grants (room_id, member_id, member_name, reason, acquired_at_ms) VALUES (?, ?, ?, ?, ?)",
        roomId, memberId, memberName, reason, atMs);
  }

  public void endControlGrant(long grantId, long atMs) {
    update("UPDATE control_grants SET released_at_ms = ? WHERE id = ? AND released_at_ms IS NULL", atMs, grantId);
  }

  /** At startup: nobody holds control after a restart, so every open grant ends now. */
  public int endOpenControlGrants(long atMs) {
    return update("UPDATE control_grants SET released_at_ms = ? WHERE released_at_ms IS NULL", atMs);
  }

  public List<ControlGrantRow> listControlGrants(String roomId) {
    return query("SELECT id, room_id, member_id, member_name, reason, acquired_at_ms, released_at_ms FROM control_grants"
        + " WHERE room_id = ? ORDER BY id", rs -> new ControlGrantRow(rs.getLong(1), rs.getString(2), rs.getString(3),
            rs.getString(4), rs.getString(5), rs.getLong(6), rs.getLong(7)), roomId);
  }

  public long insertShareSession(String roomId, long startedAtMs, Integer width, Integer height, Double frameRate, String codecs) {
    return insertReturningId("INSERT INTO share_sessions (room_id, started_at_ms, width, height, frame_rate, codecs) VALUES (?, ?, ?, ?, ?, ?)",
        roomId, startedAtMs, width, height, frameRate, codecs);
  }

  public void endShareSession(long sessionId, long atMs) {
    update("UPDATE share_sessions SET ended_at_ms = ? WHERE id = ? AND ended_at_ms IS NULL", atMs, sessionId);
  }

  public Optional<ShareSessionRow> findOpenShareSession(String roomId) {
    return query("SELECT id, room_id, started_at_ms, ended_at_ms, width, height, frame_rate, codecs FROM share_sessions"
        + " WHERE room_id = ? AND ended_at_ms IS NULL ORDER BY id DESC", RoomStore::shareSessionRow, roomId).stream().findFirst();
  }

  public List<ShareSessionRow> listShareSessions(String roomId) {
    return query("SELECT id, room_id, started_at_ms, ended_at_ms, width, height, frame_rate, codecs FROM share_sessions"
        + " WHERE room_id = ? ORDER BY id", RoomStore::shareSessionRow, roomId);
  }

  private static RoomRow roomRow(ResultSet rs) throws SQLException {
    return new RoomRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getLong(6));
  }

  private static MemberRow memberRow(ResultSet rs) throws SQLException {
    return new MemberRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getString(5),
        rs.getLong(6), rs.getLong(7), rs.getLong(8));
  }

  private static ShareSessionRow shareSessionRow(ResultSet rs) throws SQLException {
    return new ShareSessionRow(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
        rs.getObject(5, Integer.class), rs.getObject(6, Integer.class),
        rs.getObject(7, Double.class), rs.getString(8));
  }

  @FunctionalInterface
  private interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) {
    try (Connection connection = dataSource.getConnection();
         PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(statement, args);
      try (ResultSet rs = statement.executeQuery()) {
        List<T> rows = new ArrayList<>();
        while (rs.next()) {
          rows.add(mapper.map(rs));
        }
        return rows;
      }
    } catch (SQLException e) {
      throw new StoreException("query failed: " + sql, e);
    }
  }

  private int update(String sql, Object... args) {
    try (Connection connection = dataSource.getConnection();
         PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(statement, args);
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("update failed: " + sql, e);
    }
  }

  private long insertReturningId(String sql, Object... args) {
    try (Connection connection = dataSource.getConnection();
         PreparedStatement statement = connection.prepareStatement(sql, new String[] {"id"})) {
      bind(statement, args);
      statement.executeUpdate();
      try (ResultSet keys = statement.getGeneratedKeys()) {
        if (!keys.next()) {
          throw new StoreException("no generated id: " + sql, null);
        }
        return keys.getLong(1);
      }
    } catch (SQLException e) {
      throw new StoreException("insert failed: " + sql, e);
    }
  }

  private static void bind(PreparedStatement statement, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object arg = args[i];
      if (arg == null) {
        statement.setNull(i + 1, Types.NULL);
      } else {
        statement.setObject(i + 1, arg);
      }
    }
  }

}
