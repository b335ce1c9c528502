/**
 * The VNC WebSocket proxy: one {@link space.share.room.vnc.VncBridge} per noVNC connection, bridging
 * binary WebSocket messages to the room's VNC server ({@link space.share.room.vnc.VncEndpoint}) over TCP with
 * flow control both ways.
 */
package space.share.room.vnc;
