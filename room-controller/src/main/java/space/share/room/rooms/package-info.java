/**
 * Rooms: the live rooms ({@link space.share.room.rooms.RoomRegistry}: one lock per room, the events every listener
 * gets) and the services over them, wired once by {@link space.share.room.rooms.RoomServices}:
 * <ul>
 *   <li>{@link space.share.room.rooms.DashboardService}: the seed's DashboardService (create, list, delete, history)
 *       and loading the stored rooms at start;
 *   <li>{@link space.share.room.rooms.MembershipService}: join by passcode, sessions, GetConfiguration with fresh
 *       media URLs, leave, presence;
 *   <li>{@link space.share.room.rooms.ControlService}: request / release / give / take, the idle hand-over;
 *   <li>{@link space.share.room.rooms.VncService}: GetVncToken and what a token opens;
 *   <li>{@link space.share.room.rooms.PartsService}: stream, desktop and media-server state from the poller, and
 *       rooms moving off a media server that went down.
 * </ul>
 * Also the records and views they answer with ({@link space.share.room.rooms.Room},
 * {@link space.share.room.rooms.RoomParts}, {@link space.share.room.rooms.RoomViews},
 * {@link space.share.room.rooms.StreamStatus}), the events ({@link space.share.room.rooms.RoomEvent},
 * {@link space.share.room.rooms.RoomListener}), limits and settings, and the desktop extension point
 * ({@link space.share.room.rooms.DesktopManager}, given each room's {@link space.share.room.rooms.PublishTarget} on
 * the media server the room is placed on).
 */
package space.share.room.rooms;
