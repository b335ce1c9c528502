// PlayerMeter (lib/meter.js): the figures every player reports alike, from shown frames and the prft map.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlayerMeter, watchShownFrames } from '../../main/web/js/lib/meter.js';

const clockAt = (offsetMs) => ({ estimate: () => ({ offsetMs, uncertaintyMs: 2, source: 'round-trip' }) });

test('playerMeter_frameShown_delayFromThePrftMapAndTheClockOffset_firstFrameOnce', () => {
  const m = new PlayerMeter({ clock: clockAt(7000) });
  m.wallClock.add(10, 1_000_000); // media 10 s arrived at the server at wall 1 000 000 ms
  assert.equal(m.frameShown(10, 120, 1_000_000 - 7000 + 30), true); // shown 150 ms later by the server's clock
  assert.equal(m.frameShown(10.1, 220, 1_000_000 - 7000 + 30), false);
  const f = m.fields(1_000_000);
  assert.equal(f.delayMs, 150);
  assert.equal(f.delayP50Ms, 150);
  assert.equal(f.delaySamples, 2);
  assert.equal(f.firstFrameMs, 120);
  assert.equal(f.clockOffsetMs, 7000);
  assert.equal(f.clockSource, 'round-trip');
});

test('playerMeter_noClockOrNoAnchor_noDelayFigures_butFramesCounted', () => {
  const m = new PlayerMeter();
  m.frameShown(1, 10, 0);
  const f = m.fields(10);
  assert.ok(Number.isNaN(f.delayMs));
  assert.equal(f.delaySamples, 0);
  assert.equal(f.clockSource, 'none');
  assert.ok(f.fps > 0);
  assert.equal(f.firstFrameMs, 10);
});

test('playerMeter_addDelay_ignoresNonFinite_bitrateFromBytesIn', () => {
  const m = new PlayerMeter({ bytesWindowMs: 4000 });
  m.addDelay(NaN);
  m.addDelay(900);
  m.bytesIn.add(1000, 0);
  m.bytesIn.add(1000, 1000);
  const f = m.fields(1000);
  assert.equal(f.delayMs, 900);
  assert.equal(f.delaySamples, 1);
  assert.equal(f.bitrateBps, 16000);
  assert.ok(Number.isNaN(f.firstFrameMs));
});

test('watchShownFrames_callsBackPerFrameUntilStopped_noCallbackApi_doesNothing', () => {
  let cb = null;
  const video = { requestVideoFrameCallback: (f) => { cb = f; } };
  const seen = [];
  let stop = false;
  watchShownFrames(video, (mediaSec, pageMs) => seen.push([mediaSec, pageMs]), () => stop);
  cb(100, { mediaTime: 1, expectedDisplayTime: 108 });
  cb(140, { mediaTime: 1.033 });
  stop = true;
  const last = cb;
  last(170, { mediaTime: 1.066, expectedDisplayTime: 175 });
  assert.deepEqual(seen, [[1, 108], [1.033, 140]]);
  watchShownFrames({}, () => assert.fail('no callback API'), () => false);
});
