// What every player measures the same way (docs/player.md "Measuring the delay in the page"): bytes in, frames
// shown, capture-to-display delay per shown frame (prft map + clock offset), first frame, and the stats fields
// those give. MsePlayer, WebCodecsPlayer and HlsPlayer each hold one. Pure logic: time is passed in.
import { WallClockMap, WindowRate, Percentiles } from './stats.js';

export class PlayerMeter {
  /** clock: a ClockOffsetEstimator (or null: no delay figures); bytesWindowMs: the bitrate's window. */
  constructor({ clock = null, bytesWindowMs = 2000 } = {}) {
    this.clock = clock;
    this.wallClock = new WallClockMap(); // media time -> server wall clock, from the prft boxes
    this.bytesIn = new WindowRate(bytesWindowMs);
    this.framesShown = new WindowRate(2000);
    this.delays = new Percentiles(300);
    this.lastDelayMs = NaN;
    this.firstFrameAtMs = NaN; // page start -> first frame shown
  }

  /**
   * A frame shown at pageMs (performance.now() scale) whose media time is mediaSec; timeOriginMs turns page time
   * into wall clock. Returns true for the first frame shown.
   */
  frameShown(mediaSec, pageMs, timeOriginMs) {
    const shownAtMs = timeOriginMs + pageMs;
    this.framesShown.add(1, shownAtMs);
    const first = !Number.isFinite(this.firstFrameAtMs);
    if (first) this.firstFrameAtMs = pageMs;
    this.addDelay(this.wallClock.delayMs(mediaSec, shownAtMs, this.clock && this.clock.estimate()));
    return first;
  }

  /** A delay figure measured another way (HLS: program date-time of the playing position). */
  addDelay(delayMs) {
    if (!Number.isFinite(delayMs)) return;
    this.lastDelayMs = delayMs;
    this.delays.add(delayMs);
  }

  /** The stats fields all players report alike, at wall clock nowMs. */
  fields(nowMs) {
    const est = this.clock && this.clock.estimate();
    return {
      fps: this.framesShown.perSecond(nowMs),
      bitrateBps: this.bytesIn.perSecond(nowMs) * 8,
      delayMs: this.lastDelayMs,
      delayP50Ms: this.delays.at(50),
      delayP95Ms: this.delays.at(95),
      delaySamples: this.delays.count,
      clockOffsetMs: est ? est.offsetMs : NaN,
      clockUncertaintyMs: est ? est.uncertaintyMs : NaN,
      clockSource: est ? est.source : 'none',
      firstFrameMs: this.firstFrameAtMs,
    };
  }
}

/**
 * Calls onFrame(mediaSec, shownAtPageMs) for every frame the <video> shows (requestVideoFrameCallback, where the
 * browser has it) until stopped() says so.
 */
export function watchShownFrames(video, onFrame, stopped) {
  if (typeof video.requestVideoFrameCallback !== 'function') return;
  const each = (now, meta) => {
    if (stopped()) return;
    onFrame(meta.mediaTime, meta.expectedDisplayTime || now);
    video.requestVideoFrameCallback(each);
  };
  video.requestVideoFrameCallback(each);
}
