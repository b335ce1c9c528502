/**
 * Share Space room controller: the control plane of a room.
 *
 * <pre>
 *  browser ──HTTP /api/rooms/..──▶ api ──▶ room ──▶ token ──▶ store (JDBC + Flyway: H2 file / PostgreSQL)
 *     │                            │        │ RoomService: rooms, members, ControlState (request/give/take/release)
 *     │◀── WS /rooms/{id}/events ──┘        │ StreamPoller ◀── media server GET /api/streams/{id}
 *     │    (in: strokes, pointer ─▶ overlay: validated, rate-limited, kept per room; out: to the members)
 *     │                                     ▼
 *     └──── WS /rooms/{id}/vnc ───────────▶ vnc: one-use VNC token ─▶ WebSocket ⇄ TCP bridge ─▶ x11vnc
 *                                           (closed when control passes)
 * </pre>
 *
 * Dependencies point down the drawing: {@code api} knows {@code room}, {@code room} knows {@code token}
 * and {@code store}; {@code vnc} is driven by {@code api} and told about control changes by {@code room}.
 * The one shared vocabulary is {@link space.share.room.api.RoomStatus}: lower stages refuse with a
 * {@link space.share.room.api.RoomException} and {@code api} renders it once, as JSON or a WebSocket
 * close code.
 */
package space.share.room;
