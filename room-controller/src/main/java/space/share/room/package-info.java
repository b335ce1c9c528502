/**
 * Share Space room controller: the control plane of a room.
 *
 * <pre>
 *  browser ──HTTP /api/rooms/..──▶ api ──▶ rooms ──▶ token ──▶ store (JDBC + Flyway: H2 file / PostgreSQL)
 *     │                            │        │ RoomServices over one RoomRegistry: DashboardService (rooms admin),
 *     │                            │        │   MembershipService (join/leave/auth), ControlService (ControlState:
 *     │                            │        │   request/give/take/release), VncService (VNC tokens),
 *     │                            │        │   PartsService (stream, desktop and media-server state)
 *     │                            │        ├──▶ members (MemberSessions: token → member, revocations), control (ControlState)
 *     │                            │        ▲
 *     │                            │        ├──▶ placement (Placements: which media server carries each room's stream)
 *     │                            │   mediaclient: StreamPoller ◀── media servers GET /healthz, /api/streams/{id}
 *     │                            │                MediaRevocations ──▶ every media server's revocations
 *     │                            │   desktop: ProcessDesktopManager (room.sh per room) implements rooms.DesktopManager
 *     │◀── WS /rooms/{id}/events ──┘
 *     │    (in: strokes, pointer ─▶ overlay: validated, rate-limited, kept per room; out: to the members)
 *     └──── WS /rooms/{id}/vnc ───────────▶ vnc: one-use VNC token ─▶ WebSocket ⇄ TCP bridge ─▶ x11vnc
 *                                           (closed when control passes)
 *
 *   every package ──▶ status (RoomStatus, RoomException: imports nothing of the module)
 *   rooms, root ──▶ metrics (RoomMetrics: every meter and its name; GET /metrics with the metrics token)
 * </pre>
 *
 * Dependencies point one way: {@code api} knows {@code rooms}, {@code overlay} and {@code vnc}; {@code rooms} knows
 * {@code members}, {@code control}, {@code token}, {@code store}, {@code placement} and {@code vnc} (for the VNC
 * endpoint); {@code members}
 * knows {@code token} and {@code store};
 * {@code mediaclient} and {@code desktop} are adapters that drive or implement ports of {@code rooms}; nothing below
 * {@code api} imports it. The one shared vocabulary is {@link space.share.room.status.RoomStatus} at the bottom: every
 * stage refuses with a {@link space.share.room.status.RoomException} and {@code api} renders it once, as JSON or a
 * WebSocket close code. {@link space.share.room.RoomController} wires everything, including the schedulers the
 * background jobs run on.
 */
package space.share.room;
