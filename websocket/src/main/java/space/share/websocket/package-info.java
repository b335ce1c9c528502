/**
 * What the outbound WebSockets of both servers share (the media server's feed viewers, the room controller's event
 * sockets): {@link space.share.websocket.SendLoop}, at most one send in flight per socket, and
 * {@link space.share.websocket.GracefulClose}, a close that cannot be held back by a peer that stopped reading. Each
 * socket keeps its own queue and its own rule for a peer that falls behind. Depends on Jetty 12's WebSocket API alone;
 * both server modules depend on it.
 */
package space.share.websocket;
