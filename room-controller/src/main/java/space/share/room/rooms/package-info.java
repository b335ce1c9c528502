/**
 * Rooms: {@link space.share.room.rooms.RoomService} (the seed's DashboardService and RoomService: rooms admin,
 * membership and auth, control and VNC tokens, stream and desktop state, along its section comments), the room
 * records and views it answers with ({@link space.share.room.rooms.Room}, {@link space.share.room.rooms.RoomParts},
 * {@link space.share.room.rooms.RoomViews}, {@link space.share.room.rooms.StreamStatus}), the events it emits
 * ({@link space.share.room.rooms.RoomEvent}, {@link space.share.room.rooms.RoomListener}), its limits and settings,
 * and the desktop extension point ({@link space.share.room.rooms.DesktopManager}, given each room's
 * {@link space.share.room.rooms.PublishTarget} on the media server the room is placed on).
 */
package space.share.room.rooms;
