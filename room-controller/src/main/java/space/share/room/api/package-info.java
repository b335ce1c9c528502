/**
 * The edge: Jetty handlers for the JSON room API, the room WebSockets (events, VNC), the one status
 * enum {@link space.share.room.api.RoomStatus} with its wire codes, and the one error renderer.
 */
package space.share.room.api;
