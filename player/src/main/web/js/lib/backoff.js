// Reconnect delays: exponential with jitter, capped; reset only once a connection has proved itself
// (stayed up for stableAfterMs), so a server that accepts and drops at once is not hammered.
// Pure logic: time and randomness are passed in.

export class Backoff {
  constructor({ initialMs = 250, maxMs = 8000, factor = 2, jitter = 0.25, stableAfterMs = 5000, random = Math.random } = {}) {
    Object.assign(this, { initialMs, maxMs, factor, jitter, stableAfterMs, random });
    this.attempt = 0;
    this.connectedAtMs = null;
  }

  /** Delay before the next attempt, in ms. */
  nextDelayMs() {
    const base = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempt);
    this.attempt++;
    const spread = base * this.jitter;
    return Math.max(0, Math.round(base - spread + 2 * spread * this.random()));
  }

  connected(nowMs) { this.connectedAtMs = nowMs; }

  /** The connection dropped at nowMs; forget past failures if it had been up long enough. */
  disconnected(nowMs) {
    if (this.connectedAtMs !== null && nowMs - this.connectedAtMs >= this.stableAfterMs) this.attempt = 0;
    this.connectedAtMs = null;
  }
}
