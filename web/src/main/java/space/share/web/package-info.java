/**
 * What both servers' Jetty sides share. For their outbound WebSockets (the media server's feed viewers, the room
 * controller's event sockets): {@link space.share.web.SendLoop}, at most one send in flight per socket, and
 * {@link space.share.web.GracefulClose}, a close that cannot be held back by a peer that stopped reading; each socket
 * keeps its own queue and its own rule for a peer that falls behind. For HTTP: {@link space.share.web.MetricsGate},
 * {@code GET /metrics} behind the metrics token (the rule is {@code settings.ScrapeToken}), each server rendering
 * its refusals in its own error format. Depends on Jetty 12 and {@code settings}; both server modules depend on it.
 */
package space.share.web;
