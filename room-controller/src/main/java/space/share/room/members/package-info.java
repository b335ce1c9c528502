/**
 * A member of a room as the rest of the controller sees one: the authenticated session
 * ({@link space.share.room.members.Member}), its public view ({@link space.share.room.members.MemberView}) and the
 * revocation of media tokens when a session ends or a room goes ({@link space.share.room.members.Revocation}), and the
 * store's view of sessions ({@link space.share.room.members.MemberSessions}: bearer token to member, revocations still
 * relevant). Join and leave change a room's live state and are in {@code rooms.MembershipService}.
 */
package space.share.room.members;
