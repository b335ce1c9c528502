/**
 * What the room controller counts, and the one place its metric names are written (docs/metrics.md lists them as
 * Prometheus exports them). {@link space.share.room.metrics.RoomMetrics} owns the Micrometer registry; {@code rooms}
 * counts joins, refusals and control changes on it, {@link space.share.room.RoomController} binds the gauges and
 * function counters that read other packages' state at scrape time, and serves the text on the admin port. Imports
 * nothing of the module: every package may use it. No label is ever taken from a request: refusal reasons and control
 * reasons are fixed sets.
 */
package space.share.room.metrics;
