/**
 * A member of a room as the rest of the controller sees one: the authenticated session
 * ({@link space.share.room.members.Member}), its public view ({@link space.share.room.members.MemberView}) and the
 * revocation of media tokens when a session ends or a room goes ({@link space.share.room.members.Revocation}).
 * Records only; join, leave and authentication are in {@code rooms.RoomService}.
 */
package space.share.room.members;
