/**
 * The VNC WebSocket proxy: one {@link space.share.room.vnc.VncBridge} per noVNC connection, bridging
 * binary WebSocket messages to the room's VNC server over TCP with flow control both ways.
 */
package space.share.room.vnc;
