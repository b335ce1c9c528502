// Playout policy of the WebCodecs path (docs/player.md "WebCodecs"): the audio jitter buffer the AudioWorklet
// runs (fill target, drift absorbed by a small resampling ratio, hard bounds), which decoded video frame to show
// now (as soon as decoded while muted, on the audio clock with sound), the audible media time from the audio
// context's clocks, and the extra audio delay that keeps video from lagging sound. Pure logic, no DOM.

export const PLAYOUT_DEFAULTS = Object.freeze({
  /** Audio held in the jitter buffer in steady state; also what is gathered before playing (start, underrun). */
  targetMs: 40,
  /** No correction inside target ± this (clock drift of ~100 ppm moves the fill 0.1 ms/s). */
  deadbandMs: 6,
  /** Ratio change per ms of fill error outside the dead band: 20 ms too much plays at 1.02. */
  ratioPerMs: 0.001,
  minRatio: 0.98,
  maxRatio: 1.05,
  /** Above this much audio queued (a stall, a burst), the oldest is dropped down to the target at once. */
  maxMs: 250,
  /** Smoothing of the fill the ratio follows (ms of time constant), so arrival jitter does not wobble the pitch. */
  fillSmoothingMs: 300,
  /** A gap in audio media time up to this is filled with silence; more (or a jump back) starts a new timeline. */
  maxGapMs: 200,
  /** Each underrun adds this to the target (audio arriving in bursts), up to maxJitterExtraMs... */
  underrunStepMs: 10,
  maxJitterExtraMs: 100,
  /** ...and every this long without an underrun, one step comes off again. */
  jitterDecayMs: 10_000,
  /** Underruns in the first this long of a timeline (decoder and worklet warming up) teach nothing. */
  startGraceMs: 2000,
});

/**
 * A per-channel ring of decoded PCM on one media timeline, read at a variable ratio with linear interpolation.
 * Capacity is fixed at construction (maxMs + maxGapMs + a margin), so nothing a sender does grows it.
 */
export class AudioJitterBuffer {
  constructor({ sampleRate, channels }, policy = PLAYOUT_DEFAULTS) {
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.policy = { ...PLAYOUT_DEFAULTS, ...policy };
    this.capacity = Math.ceil((sampleRate * (this.policy.maxMs + this.policy.maxGapMs + 100)) / 1000);
    this.ring = Array.from({ length: channels }, () => new Float32Array(this.capacity));
    this.targetExtraMs = 0; // asked for by the video sync (SyncTracker)
    this.jitterExtraMs = 0; // learnt from underruns
    this.msSinceUnderrun = 0;
    this.#resetTimeline(null);
    this.underruns = 0;
    this.drops = 0;
    this.resets = 0;
    this.stale = 0;
  }

  #resetTimeline(baseSec) {
    this.baseSec = baseSec; // media time of frame 0 of this timeline
    this.written = 0; // frames written since frame 0
    this.readPos = 0; // fractional read position (frames since frame 0)
    this.playing = false;
    this.ratio = 1;
    this.fillEmaMs = null;
    this.msOnTimeline = 0;
  }

  get fillMs() { return ((this.written - this.readPos) * 1000) / this.sampleRate; }
  get targetMs() { return this.policy.targetMs + this.jitterExtraMs + this.targetExtraMs; }

  /** Media time (s) of the next frame to be read, or null before any audio. */
  get playheadSec() { return this.baseSec === null ? null : this.baseSec + this.readPos / this.sampleRate; }

  /**
   * Appends decoded audio starting at media time startSec; planes are Float32Array per channel (missing
   * channels copy the first; extra ones are ignored).
   */
  push(startSec, planes) {
    const n = planes[0].length;
    if (this.baseSec === null) this.#resetTimeline(startSec);
    const expectedSec = this.baseSec + this.written / this.sampleRate;
    const gapMs = (startSec - expectedSec) * 1000;
    const frameMs = (n * 1000) / this.sampleRate;
    if (gapMs <= -frameMs / 2 && -gapMs <= this.policy.maxGapMs) {
      this.stale++; // audio mostly on the timeline already (decoded twice, or came late): dropped, the timeline kept
      return;
    }
    if (Math.abs(gapMs) > this.policy.maxGapMs) {
      this.resets++;
      this.#resetTimeline(startSec); // a new timeline (republish, reconnect far away)
    } else if (gapMs > frameMs / 2) {
      this.#write(null, Math.round((gapMs * this.sampleRate) / 1000)); // lost audio: silence keeps the timeline
    }
    this.#write(planes, n);
    const maxFrames = (this.policy.maxMs * this.sampleRate) / 1000;
    if (this.written - this.readPos > maxFrames) {
      this.drops++;
      this.readPos = this.written - (this.targetMs * this.sampleRate) / 1000;
      this.fillEmaMs = this.targetMs;
    }
  }

  #write(planes, n) {
    if (n > this.capacity) { // cannot happen with maxMs < capacity unless one push is huge: keep its end
      const skip = n - this.capacity;
      if (planes) planes = planes.map((p) => p.subarray(skip));
      this.written += skip;
      n = this.capacity;
    }
    for (let c = 0; c < this.channels; c++) {
      const ring = this.ring[c];
      const src = planes ? (planes[c] || planes[0]) : null;
      for (let i = 0; i < n; i++) ring[(this.written + i) % this.capacity] = src ? src[i] : 0;
    }
    this.written += n;
    if (this.written - this.readPos > this.capacity - 2) this.readPos = this.written - this.capacity + 2;
  }

  /**
   * Fills out (Float32Array per channel, all of one length) with the next frames; silence while gathering
   * the target (start, after an underrun).
   */
  pull(out) {
    const n = out[0].length;
    const p = this.policy;
    const fill = this.fillMs;
    this.msSinceUnderrun += (n * 1000) / this.sampleRate;
    this.msOnTimeline += (n * 1000) / this.sampleRate;
    if (this.jitterExtraMs > 0 && this.msSinceUnderrun >= p.jitterDecayMs) {
      this.jitterExtraMs = Math.max(0, this.jitterExtraMs - p.underrunStepMs);
      this.msSinceUnderrun = 0;
    }
    const alpha = Math.min(1, ((n * 1000) / this.sampleRate) / p.fillSmoothingMs);
    this.fillEmaMs = this.fillEmaMs === null ? fill : this.fillEmaMs + alpha * (fill - this.fillEmaMs);
    if (!this.playing) {
      if (this.baseSec !== null && fill >= this.targetMs) { this.playing = true; this.fillEmaMs = fill; }
      else { for (const o of out) o.fill(0); return; }
    }
    this.ratio = ratioFor(this.fillEmaMs, this.targetMs, p);
    const need = n * this.ratio + 1;
    if (this.written - this.readPos < need) { // underrun: play what is there, then gather the target again
      this.underruns++;
      this.playing = false;
      if (this.msOnTimeline >= p.startGraceMs) {
        this.jitterExtraMs = Math.min(p.maxJitterExtraMs, this.jitterExtraMs + p.underrunStepMs);
        this.lateUnderruns = (this.lateUnderruns || 0) + 1;
      }
      this.msSinceUnderrun = 0;
      for (const o of out) o.fill(0);
      return;
    }
    for (let c = 0; c < out.length; c++) {
      const ring = this.ring[Math.min(c, this.channels - 1)];
      const o = out[c];
      let pos = this.readPos;
      for (let i = 0; i < n; i++) {
        const i0 = Math.floor(pos);
        const f = pos - i0;
        const a = ring[i0 % this.capacity];
        const b = ring[(i0 + 1) % this.capacity];
        o[i] = a + (b - a) * f;
        pos += this.ratio;
      }
    }
    this.readPos += n * this.ratio;
  }
}

/** Reading ratio for a smoothed fill: 1 inside the dead band, proportional outside, clamped. */
export function ratioFor(fillMs, targetMs, p = PLAYOUT_DEFAULTS) {
  const err = fillMs - targetMs;
  if (Math.abs(err) <= p.deadbandMs) return 1;
  const r = 1 + (err - Math.sign(err) * p.deadbandMs) * p.ratioPerMs;
  return Math.min(p.maxRatio, Math.max(p.minRatio, r));
}

/**
 * The media time (s) being heard at performance time nowMs, from the worklet's last report (the context time
 * at which it started reading playheadSec, and the ratio it reads at) and the context's output timestamp
 * (AudioContext.getOutputTimestamp(): the context time leaving the speakers at performanceTime).
 * @returns {number|null}
 */
export function audibleMediaSec(report, outputTimestamp, nowMs) {
  if (!report || report.playheadSec === null || !outputTimestamp || !Number.isFinite(outputTimestamp.performanceTime)) return null;
  if (!report.playing) return null;
  const ctxNowSec = outputTimestamp.contextTime + (nowMs - outputTimestamp.performanceTime) / 1000;
  return report.playheadSec + (ctxNowSec - report.contextTimeSec) * report.ratio;
}

/**
 * Which decoded frame to show now. frames: ascending timestamps (s). clockSec: the audible media time, or null
 * (muted, or audio not playing yet): then the newest decoded frame is shown at once. With a clock, the newest
 * frame due within leadSec is shown; a frame more than maxAheadSec ahead of the clock (the audio stalled or runs
 * on another timeline) is shown anyway so the picture never freezes behind the sound.
 * Catching up while free (the burst of the GOP at start, a decoder that fell behind): a frame older than the newest frame
 * received (newestSec) by more than staleSec is skipped unless nothing was shown for maxHoldMs, so the first
 * frame (a keyframe) shows at once and the picture then jumps to the live one instead of playing the GOP.
 * @returns {{show:number, drop:number, reason:string}} show: index to show (-1: none yet); drop: frames before it
 */
export function pickFrame(frames, clockSec, { leadSec = 0.008, maxAheadSec = 0.4, newestSec = null, msSinceShown = Infinity,
  staleSec = 0.15, maxHoldMs = 150 } = {}) {
  if (frames.length === 0) return { show: -1, drop: 0, reason: 'empty' };
  let pick;
  let reason;
  if (clockSec === null || clockSec === undefined) {
    pick = frames.length - 1; reason = 'free';
  } else {
    pick = -1;
    for (let i = 0; i < frames.length && frames[i].tsSec <= clockSec + leadSec; i++) pick = i;
    reason = 'due';
    if (pick < 0) {
      if (frames[0].tsSec - clockSec <= maxAheadSec) return { show: -1, drop: 0, reason: 'early' };
      pick = frames.length - 1; reason = 'clock-behind';
    }
  }
  // Only while the pictures run free: on the audio clock a frame is due when the sound is, however far behind the
  // newest frame received that is (the audio buffer sets the delay, and catches up by itself).
  if (reason === 'free' && newestSec !== null && frames[pick].tsSec < newestSec - staleSec && msSinceShown < maxHoldMs) {
    return { show: -1, drop: pick + 1, reason: 'stale' };
  }
  return { show: pick, drop: pick, reason };
}

/**
 * At a keyframe: whether to drop the decoder's backlog and start from this keyframe (the decoder or the page fell
 * more than maxBacklogFrames behind), so a slow decoder costs a jump, never a growing delay.
 */
export function jumpToKeyframe(decodeQueueSize, { maxBacklogFrames = 4 } = {}) {
  return decodeQueueSize > maxBacklogFrames;
}

/**
 * Keeps sound from running ahead of the picture: when frames are shown late against the audio clock (decode
 * slower than sound), the audio target grows by that lateness so the two meet again; when they are on time,
 * it shrinks back. Samples are (clock - frame time) in ms at the moment a frame is shown.
 */
export class SyncTracker {
  constructor({ windowSize = 30, stepMs = 10, maxExtraMs = 120 } = {}) {
    Object.assign(this, { windowSize, stepMs, maxExtraMs });
    this.samples = [];
    this.extraMs = 0;
  }
  /** Adds one sample; returns the extra audio delay (ms) to ask for (changes by stepMs at most per full window). */
  add(latenessMs) {
    if (!Number.isFinite(latenessMs)) return this.extraMs;
    this.samples.push(latenessMs);
    if (this.samples.length < this.windowSize) return this.extraMs;
    const sorted = [...this.samples].sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1];
    this.samples = [];
    if (median > 20) this.extraMs = Math.min(this.maxExtraMs, this.extraMs + this.stepMs);
    else if (median < 0 && this.extraMs > 0) this.extraMs = Math.max(0, this.extraMs - this.stepMs);
    return this.extraMs;
  }
}

/**
 * The WebCodecs path's bounds, each one decision (webcodecs-player.js calls these; unit-tested here).
 * - maxDecodeQueue: video frames waiting to be decoded beyond this (~3 s at 30 fps): the page cannot keep up,
 *   the feed starts over at a keyframe (as MSE's append overflow does);
 * - maxHeldFrames: decoded frames held for the audio clock (12: 400 ms at 30 fps, as far as pickFrame lets the
 *   picture wait for the sound); beyond it the oldest is closed (decoders stall when the page keeps too many of
 *   their frames, and each 720p frame is ~1.4 MB);
 * - maxAudioDecodeQueue: AAC frames waiting to be decoded beyond this (~2 s) are dropped.
 */
export const DECODE_BOUNDS = Object.freeze({ maxDecodeQueue: 90, maxHeldFrames: 12, maxAudioDecodeQueue: 100 });

export const videoDecodeOverflow = (decodeQueueSize, b = DECODE_BOUNDS) => decodeQueueSize > b.maxDecodeQueue;
export const admitAudio = (decodeQueueSize, b = DECODE_BOUNDS) => decodeQueueSize <= b.maxAudioDecodeQueue;

/** Appends a decoded frame entry; returns the entries evicted (oldest first) to keep at most maxHeldFrames. */
export function holdFrame(frames, entry, b = DECODE_BOUNDS) {
  frames.push(entry);
  return frames.length > b.maxHeldFrames ? frames.splice(0, frames.length - b.maxHeldFrames) : [];
}
