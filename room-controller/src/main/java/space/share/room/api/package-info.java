/**
 * The edge: Jetty handlers for the JSON room API and the room WebSockets (events, overlay, VNC), and the one
 * error renderer that turns a {@link space.share.room.status.RoomStatus} into its wire codes.
 */
package space.share.room.api;
