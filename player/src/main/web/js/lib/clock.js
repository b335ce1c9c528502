// Estimates the offset between the server's wall clock (which stamps prft) and this page's clock, so
// the page can tell capture-to-display delay: delayMs = displayedAtClientMs + offsetMs - prftWallClockMs.
// offsetMs = serverClock - clientClock.
//
// Two kinds of evidence:
// - round trips (client sent at t0, server said S, client received at t1): offset lies in
//   [S - t1, S - t0]; the sample with the shortest round trip is the tightest (NTP's rule).
// - one-way arrivals of the feed itself (server stamped W, client received at r): causality says the
//   message cannot arrive before it was sent, so offset >= W - r. The largest of these is a hard lower bound.
// Pure logic, no DOM.

export class ClockOffsetEstimator {
  /**
   * @param {{maxRoundTrips?: number, oneWayWindowMs?: number}} options
   *   maxRoundTrips: round-trip samples kept; oneWayWindowMs: age (client ms) after which a one-way
   *   bound is forgotten, so slow clock drift does not pin the estimate forever.
   */
  constructor({ maxRoundTrips = 16, oneWayWindowMs = 30_000 } = {}) {
    this.maxRoundTrips = maxRoundTrips;
    this.oneWayWindowMs = oneWayWindowMs;
    this.roundTrips = [];
    this.oneWay = []; // {boundMs, atClientMs}, boundMs decreasing from front to back (monotonic deque)
  }

  addRoundTrip(sentClientMs, serverMs, receivedClientMs) {
    const rttMs = receivedClientMs - sentClientMs;
    if (!(rttMs >= 0) || !Number.isFinite(serverMs)) return;
    this.roundTrips.push({ rttMs, offsetMs: serverMs - (sentClientMs + receivedClientMs) / 2 });
    if (this.roundTrips.length > this.maxRoundTrips) this.roundTrips.shift();
  }

  /** A message the server stamped at serverSentMs arrived here at clientReceivedMs. */
  addOneWay(serverSentMs, clientReceivedMs) {
    const boundMs = serverSentMs - clientReceivedMs;
    if (!Number.isFinite(boundMs)) return;
    // Sliding-window maximum: drop older bounds that this one dominates.
    while (this.oneWay.length && this.oneWay[this.oneWay.length - 1].boundMs <= boundMs) this.oneWay.pop();
    this.oneWay.push({ boundMs, atClientMs: clientReceivedMs });
    while (this.oneWay.length && this.oneWay[0].atClientMs < clientReceivedMs - this.oneWayWindowMs) {
      this.oneWay.shift();
    }
  }

  /** The best round trip sample, or null. */
  bestRoundTrip() {
    let best = null;
    for (const s of this.roundTrips) if (!best || s.rttMs < best.rttMs) best = s;
    return best;
  }

  /** Lower bound from one-way arrivals, or null. */
  oneWayLowerBoundMs() {
    return this.oneWay.length ? this.oneWay[0].boundMs : null;
  }

  /**
   * @returns {{offsetMs: number, uncertaintyMs: number, source: string} | null}
   *   source: 'round-trip' | 'round-trip+one-way' | 'one-way' (one-way only: the delay then leaves out the
   *   fastest transit time, which on a LAN is about a millisecond).
   */
  estimate() {
    const rt = this.bestRoundTrip();
    const lower = this.oneWayLowerBoundMs();
    if (rt) {
      const half = rt.rttMs / 2;
      if (lower !== null && lower > rt.offsetMs - half) {
        // The feed proves the offset is at least `lower`: keep the part of the round-trip interval above it.
        const top = rt.offsetMs + half;
        if (lower >= top) return { offsetMs: lower, uncertaintyMs: 0, source: 'one-way' };
        return { offsetMs: (lower + top) / 2, uncertaintyMs: (top - lower) / 2, source: 'round-trip+one-way' };
      }
      return { offsetMs: rt.offsetMs, uncertaintyMs: half, source: 'round-trip' };
    }
    if (lower !== null) return { offsetMs: lower, uncertaintyMs: NaN, source: 'one-way' };
    return null;
  }
}

/**
 * Turns HTTP `Date` headers (one-second resolution) into a round-trip sample: poll until the second
 * changes between two consecutive responses; the server's clock passed S+1.000 after request i was
 * sent and before response i+1 arrived. Returns {sentClientMs, serverMs, receivedClientMs} or null.
 * @param {Array<{sentClientMs:number, receivedClientMs:number, dateSeconds:number}>} polls in order
 */
export function secondEdgeSample(polls) {
  let best = null;
  for (let i = 0; i + 1 < polls.length; i++) {
    const a = polls[i];
    const b = polls[i + 1];
    if (b.dateSeconds === a.dateSeconds + 1) {
      const sample = { sentClientMs: a.sentClientMs, serverMs: b.dateSeconds * 1000, receivedClientMs: b.receivedClientMs };
      if (!best || sample.receivedClientMs - sample.sentClientMs < best.receivedClientMs - best.sentClientMs) best = sample;
    }
  }
  return best;
}
