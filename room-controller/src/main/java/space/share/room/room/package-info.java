/**
 * Rooms and members: {@link space.share.room.room.RoomService} (the seed's DashboardService and
 * RoomService), the control state machine, room events, the desktop extension point and the poller
 * that learns stream and VNC state.
 */
package space.share.room.room;
