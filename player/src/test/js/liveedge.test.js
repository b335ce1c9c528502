import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveEdgeAction, trimRange, LIVE_EDGE_DEFAULTS as D } from '../../main/web/js/lib/liveedge.js';

const at = (currentTimeSec, ranges, extra = {}) =>
  liveEdgeAction({ ranges, currentTimeSec, playbackRate: 1, nowMs: 100_000, lastSeekAtMs: 0, ...extra });

test('liveEdgeAction_nothingBuffered_doesNothing', () => {
  assert.deepEqual(at(0, []), { seekToSec: null, playbackRate: 1, lagSec: 0, reason: 'empty' });
});

test('liveEdgeAction_closeToEdge_playsAtNormalRate', () => {
  const a = at(9.9, [{ start: 0, end: 10 }]);
  assert.equal(a.seekToSec, null);
  assert.equal(a.playbackRate, 1);
  assert.equal(a.reason, 'at-edge');
});

test('liveEdgeAction_slightlyBehind_nudgesRateGently', () => {
  const a = at(9.5, [{ start: 0, end: 10 }]);
  assert.equal(a.playbackRate, D.nudgeRate);
  assert.ok(D.nudgeRate < 1.1, 'measured: 1.1x stalled Chromium');
});

test('liveEdgeAction_nudgingAndInsideHysteresis_keepsNudging', () => {
  const a = at(9.75, [{ start: 0, end: 10 }], { playbackRate: D.nudgeRate });
  assert.equal(a.playbackRate, D.nudgeRate);
  const b = at(9.75, [{ start: 0, end: 10 }]);
  assert.equal(b.playbackRate, 1);
});

test('liveEdgeAction_farBehind_seeksToEdge', () => {
  const a = at(5, [{ start: 0, end: 10 }]);
  assert.equal(a.reason, 'far-behind');
  assert.equal(a.seekToSec, 10 - D.seekTargetLagSec);
});

test('liveEdgeAction_farBehindButJustSeeked_waits', () => {
  const a = at(5, [{ start: 0, end: 10 }], { lastSeekAtMs: 100_000 - D.minSeekIntervalMs + 1 });
  assert.equal(a.seekToSec, null);
});

test('liveEdgeAction_playheadInGap_seeksToNewestRange', () => {
  const a = at(3, [{ start: 0, end: 3 }, { start: 20, end: 21 }]);
  assert.equal(a.reason, 'gap');
  assert.equal(a.seekToSec, 21 - D.seekTargetLagSec);
});

test('trimRange_littlePlayedMedia_removesNothing', () => {
  assert.equal(trimRange([{ start: 0, end: 8 }], 7.9), null);
});

test('trimRange_muchPlayedMedia_removesAllButKeepBehind', () => {
  assert.deepEqual(trimRange([{ start: 0, end: 30 }], 29.9), { startSec: 0, endSec: 29.9 - D.keepBehindSec });
});
