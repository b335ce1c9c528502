// The live-edge policy: given what the video element has buffered and where it plays, decide whether
// to seek, nudge the playback rate, or leave it alone, and what already-played media to remove.
// Figures and reasons: docs/player.md ("Holding the live edge"). Pure logic, no DOM.

export const LIVE_EDGE_DEFAULTS = Object.freeze({
  /** Lag (buffered end minus playhead) to land on after a seek. */
  seekTargetLagSec: 0.05,
  /** Lag above which playback is gently sped up; measured: 1.1x stalled Chromium, small nudges do not. */
  nudgeAboveLagSec: 0.35,
  /** Lag under which the nudge stops (hysteresis below nudgeAboveLagSec). */
  nudgeStopLagSec: 0.15,
  nudgeRate: 1.04,
  /** Lag above which the player jumps to the edge instead of catching up slowly. */
  seekAboveLagSec: 1.0,
  /** At most one seek per this interval, so a stall does not turn into a seek storm. */
  minSeekIntervalMs: 2000,
  /** Already-played media kept behind the playhead (seeking back a little stays cheap)... */
  keepBehindSec: 6,
  /** ...removed in chunks at least this big, so remove() runs every few seconds, not every frame. */
  trimChunkSec: 4,
});

/** Index of the buffered range holding t (with a small tolerance), or -1. */
export function rangeIndexAt(ranges, t, toleranceSec = 0.05) {
  for (let i = 0; i < ranges.length; i++) {
    if (t >= ranges[i].start - toleranceSec && t <= ranges[i].end + toleranceSec) return i;
  }
  return -1;
}

/**
 * @param {{ranges: Array<{start:number,end:number}>, currentTimeSec:number, playbackRate:number,
 *          nowMs:number, lastSeekAtMs:number}} s
 * @returns {{seekToSec: ?number, playbackRate: number, lagSec: number, reason: string}}
 */
export function liveEdgeAction(s, cfg = LIVE_EDGE_DEFAULTS) {
  const { ranges, currentTimeSec, nowMs, lastSeekAtMs } = s;
  if (ranges.length === 0) return { seekToSec: null, playbackRate: 1, lagSec: 0, reason: 'empty' };
  const last = ranges[ranges.length - 1];
  const idx = rangeIndexAt(ranges, currentTimeSec);
  const canSeek = nowMs - lastSeekAtMs >= cfg.minSeekIntervalMs;
  const edgeSeek = Math.max(last.start, last.end - cfg.seekTargetLagSec);

  if (idx === -1 || idx < ranges.length - 1) {
    // Playhead outside the buffer or in an older range (a reconnect or a dropped fragment left a gap):
    // the element would wait forever; go to the newest data.
    return { seekToSec: canSeek || idx === -1 ? edgeSeek : null, playbackRate: 1, lagSec: last.end - currentTimeSec, reason: 'gap' };
  }
  const lagSec = last.end - currentTimeSec;
  if (lagSec > cfg.seekAboveLagSec && canSeek) {
    return { seekToSec: edgeSeek, playbackRate: 1, lagSec, reason: 'far-behind' };
  }
  const nudging = s.playbackRate > 1;
  if (lagSec > cfg.nudgeAboveLagSec || (nudging && lagSec > cfg.nudgeStopLagSec)) {
    return { seekToSec: null, playbackRate: cfg.nudgeRate, lagSec, reason: 'nudge' };
  }
  return { seekToSec: null, playbackRate: 1, lagSec, reason: 'at-edge' };
}

/**
 * What to remove from a SourceBuffer: everything older than keepBehindSec behind the playhead, once at
 * least trimChunkSec of it has piled up. Returns {startSec, endSec} or null.
 */
export function trimRange(ranges, currentTimeSec, cfg = LIVE_EDGE_DEFAULTS) {
  if (ranges.length === 0) return null;
  const firstStart = ranges[0].start;
  const removeEnd = currentTimeSec - cfg.keepBehindSec;
  if (removeEnd - firstStart < cfg.trimChunkSec) return null;
  return { startSec: 0, endSec: removeEnd };
}
