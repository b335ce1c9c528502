/**
 * The bottom of the module: every outcome the controller reports to a peer ({@link space.share.room.status.RoomStatus}
 * with its HTTP status, JSON code and WebSocket close code) and the refusal that carries one
 * ({@link space.share.room.status.RoomException}). Imports nothing of the module; every other package may import it.
 */
package space.share.room.status;
