// Small meters for the stats panel. Pure logic: time is passed in.

/** Sum of values over a sliding window, e.g. bytes -> bits per second. */
export class WindowRate {
  constructor(windowMs = 2000) { this.windowMs = windowMs; this.samples = []; this.sum = 0; }
  add(value, nowMs) { this.samples.push({ value, nowMs }); this.sum += value; this.#expire(nowMs); }
  /** Per second over the window (or over the time actually covered, if shorter). */
  perSecond(nowMs) {
    this.#expire(nowMs);
    if (this.samples.length === 0) return 0;
    const spanMs = Math.max(nowMs - this.samples[0].nowMs, 250);
    return (this.sum * 1000) / Math.min(this.windowMs, spanMs);
  }
  count(nowMs) { this.#expire(nowMs); return this.samples.length; }
  #expire(nowMs) {
    while (this.samples.length && this.samples[0].nowMs < nowMs - this.windowMs) this.sum -= this.samples.shift().value;
  }
}

/** Keeps the last N samples and answers percentiles. */
export class Percentiles {
  constructor(size = 300) { this.size = size; this.values = []; }
  add(v) { if (Number.isFinite(v)) { this.values.push(v); if (this.values.length > this.size) this.values.shift(); } }
  get count() { return this.values.length; }
  at(p) {
    if (!this.values.length) return NaN;
    const sorted = [...this.values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  }
}

/**
 * Maps a media time (seconds on the video element's timeline) to the server wall clock from the prft
 * boxes seen: the newest anchor at or before that time, plus the media time elapsed since it.
 */
export class WallClockMap {
  constructor(maxAnchors = 600) { this.maxAnchors = maxAnchors; this.anchors = []; }
  clear() { this.anchors = []; }
  add(mediaSec, wallClockMs) {
    const a = this.anchors;
    if (a.length && mediaSec <= a[a.length - 1].mediaSec) {
      // out of order or a timeline restart: keep the map monotonic
      if (mediaSec < a[a.length - 1].mediaSec - 1) this.anchors = [];
      else return;
    }
    this.anchors.push({ mediaSec, wallClockMs });
    if (this.anchors.length > this.maxAnchors) this.anchors.shift();
  }
  /** Server wall clock (ms) at which the sample shown at mediaSec arrived, or NaN. */
  wallClockAt(mediaSec) {
    const a = this.anchors;
    let lo = 0; let hi = a.length - 1; let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid].mediaSec <= mediaSec + 1e-6) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (found === -1) return NaN;
    const gap = mediaSec - a[found].mediaSec;
    if (gap > 1) return NaN; // no anchor near enough to trust
    return a[found].wallClockMs + gap * 1000;
  }
  /**
   * Capture-to-display delay (ms) of the frame at mediaSec shown at shownAtMs (this page's wall clock), given the
   * clock estimate {offsetMs} from this page to the server; NaN while either is unknown.
   */
  delayMs(mediaSec, shownAtMs, estimate) {
    const serverWallMs = this.wallClockAt(mediaSec);
    return estimate && Number.isFinite(serverWallMs) ? shownAtMs + estimate.offsetMs - serverWallMs : NaN;
  }
}
