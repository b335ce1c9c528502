import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AudioJitterBuffer, PLAYOUT_DEFAULTS, ratioFor, audibleMediaSec, pickFrame, jumpToKeyframe, SyncTracker, DECODE_BOUNDS, videoDecodeOverflow, admitAudio, holdFrame } from '../../main/web/js/lib/playout.js';

const RATE = 48000;
const AAC = 1024; // frames per AAC packet
const BLOCK = 128; // frames per AudioWorklet render quantum

/** A constant plane so reads can be checked; value v. */
const plane = (v, n = AAC) => new Float32Array(n).fill(v);

/**
 * Runs a publisher whose clock runs `drift` faster than ours (1.001 = 1000 ppm) delivering one AAC packet per
 * its 21.3 ms, with `jitterMs` of arrival jitter, into the buffer read by a 48 kHz output, for `seconds`.
 * Returns the fill (ms) sampled once per block after the first second.
 */
function simulate(buf, { seconds, drift = 1, jitterMs = 0, seed = 1 }) {
  let rnd = seed;
  const random = () => { rnd = (rnd * 16807) % 2147483647; return rnd / 2147483647; };
  const packetMs = (AAC * 1000) / RATE / drift;
  let nextPacketMs = 0;
  let media = 0;
  const fills = [];
  const out = [new Float32Array(BLOCK)];
  for (let t = 0; t < seconds * 1000; t += (BLOCK * 1000) / RATE) {
    while (nextPacketMs + random() * jitterMs <= t) {
      buf.push(media, [plane(0.5)]);
      media += AAC / RATE;
      nextPacketMs += packetMs;
    }
    buf.pull(out);
    if (t > 1000) fills.push(buf.fillMs);
  }
  return fills;
}
const max = (a) => a.reduce((m, x) => Math.max(m, x), -Infinity);
const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length;

test('jitterBuffer_gathersTheTargetBeforePlaying_thenPlaysThePcm', () => {
  const buf = new AudioJitterBuffer({ sampleRate: RATE, channels: 1 });
  const out = [new Float32Array(BLOCK)];
  buf.push(10, [plane(0.25)]); // 21 ms < 40 ms target
  buf.pull(out);
  assert.equal(buf.playing, false);
  assert.ok(out[0].every((x) => x === 0), 'silence while gathering');
  buf.push(10 + AAC / RATE, [plane(0.25)]);
  buf.pull(out);
  assert.equal(buf.playing, true);
  assert.ok(out[0].every((x) => Math.abs(x - 0.25) < 1e-6));
  assert.ok(Math.abs(buf.playheadSec - (10 + BLOCK / RATE)) < 1e-9);
});

test('jitterBuffer_publisherClock1000ppmFast_fillStaysNearTargetForFiveMinutes', () => {
  const buf = new AudioJitterBuffer({ sampleRate: RATE, channels: 1 });
  const fills = simulate(buf, { seconds: 300, drift: 1.001, jitterMs: 15 });
  // Without the ratio, 1000 ppm for 300 s would queue 300 ms more (and the hard bound would cut at 250).
  assert.ok(max(fills.slice(-1000)) < PLAYOUT_DEFAULTS.targetMs + PLAYOUT_DEFAULTS.deadbandMs + 25, `fill at the end ${max(fills.slice(-1000))} ms`);
  assert.equal(buf.drops, 0, 'absorbed by the ratio, never by dropping');
  assert.ok(buf.ratio > 1 && buf.ratio < 1.01, `ratio ${buf.ratio}`);
});

test('jitterBuffer_publisherClock1000ppmSlow_doesNotRunDry', () => {
  const buf = new AudioJitterBuffer({ sampleRate: RATE, channels: 1 });
  const fills = simulate(buf, { seconds: 300, drift: 0.999, jitterMs: 5 });
  assert.ok(mean(fills.slice(-1000)) > PLAYOUT_DEFAULTS.targetMs - PLAYOUT_DEFAULTS.deadbandMs - 15, `fill ${mean(fills.slice(-1000))}`);
  assert.ok(buf.underruns <= 1, `underruns ${buf.underruns}`);
});

test('jitterBuffer_withoutTheRatio_theSameDriftGrowsTheDelay', () => {
  // The check above fails without drift absorption: with the ratio pinned at 1 the fill climbs to the hard bound.
  const buf = new AudioJitterBuffer({ sampleRate: RATE, channels: 1 }, { minRatio: 1, maxRatio: 1 });
  const fills = simulate(buf, { seconds: 300, drift: 1.001, jitterMs: 15 });
  assert.ok(max(fills) > 200, `fill ${max(fills)}`);
});

test('jitterBuffer_burstAboveMaxMs_dropsTheOldestDownToTarget', () => {
  const buf = new AudioJitterBuffer({ sampleRate: RATE, channels: 1 });
  for (let i = 0; i < 12; i++) buf.push(i * AAC / RATE, [plane(i)]); // 256 ms at once
  assert.equal(buf.drops, 1);
  assert.ok(buf.fillMs <= PLAYOUT_DEFAULTS.maxMs, `fill ${buf.fillMs}`);
  assert.ok(Math.abs(buf.fillMs - PLAYOUT_DEFAULTS.targetMs) < AAC * 1000 / RATE + 1, `fill ${buf.fillMs}`);
});

test('jitterBuffer_memoryIsFixed_whateverArrives', () => {
  const buf = new AudioJitterBuffer({ sampleRate: RATE, channels: 2 });
  const before = buf.ring.map((r) => r.length);
  for (let i = 0; i < 5000; i++) buf.push(i * AAC / RATE, [plane(1), plane(2)]);
  buf.push(0, [plane(1, RATE * 10), plane(1, RATE * 10)]); // one 10 s packet
  assert.deepEqual(buf.ring.map((r) => r.length), before);
  assert.ok(buf.fillMs <= PLAYOUT_DEFAULTS.maxMs + 1);
});

test('jitterBuffer_smallGap_filledWithSilenceOnTheSameTimeline', () => {
  const buf = new AudioJitterBuffer({ sampleRate: RATE, channels: 1 });
  buf.push(0, [plane(1)]);
  buf.push(3 * AAC / RATE, [plane(1)]); // two packets lost
  assert.equal(buf.resets, 0);
  assert.ok(Math.abs(buf.fillMs - (4 * AAC * 1000) / RATE) < 0.1);
});

test('jitterBuffer_jumpBackOrFarAhead_startsANewTimeline', () => {
  const buf = new AudioJitterBuffer({ sampleRate: RATE, channels: 1 });
  buf.push(100, [plane(1)]);
  buf.push(0, [plane(1)]); // republish: media time starts again
  assert.equal(buf.resets, 1);
  assert.equal(buf.playheadSec, 0);
  buf.push(50, [plane(1)]);
  assert.equal(buf.resets, 2);
});

test('jitterBuffer_audioAlreadyOnTheTimeline_isDropped_theTimelineKept', () => {
  const buf = new AudioJitterBuffer({ sampleRate: RATE, channels: 1 });
  for (let i = 0; i < 5; i++) buf.push((i * AAC) / RATE, [plane(1)]);
  const fill = buf.fillMs;
  buf.push((2 * AAC) / RATE, [plane(2)]); // packet 2 again
  buf.push((4 * AAC) / RATE, [plane(2)]); // packet 4 again: ends where the timeline does
  assert.equal(buf.stale, 2);
  assert.equal(buf.resets, 0);
  assert.equal(buf.fillMs, fill);
  assert.equal(buf.playheadSec, 0);
  buf.push((5 * AAC) / RATE, [plane(1)]);
  assert.ok(Math.abs(buf.fillMs - (6 * AAC * 1000) / RATE) < 0.1);
});

test('jitterBuffer_underrun_silenceThenGathersTheTargetAgain', () => {
  const buf = new AudioJitterBuffer({ sampleRate: RATE, channels: 1 });
  const out = [new Float32Array(BLOCK)];
  buf.push(0, [plane(1)]); buf.push(AAC / RATE, [plane(1)]);
  for (let i = 0; i < 20; i++) buf.pull(out);
  assert.equal(buf.underruns, 1);
  assert.equal(buf.playing, false);
  assert.ok(out[0].every((x) => x === 0));
});

test('ratioFor_insideDeadband_is1_outsideProportionalAndClamped', () => {
  const p = PLAYOUT_DEFAULTS;
  assert.equal(ratioFor(p.targetMs + p.deadbandMs, p.targetMs), 1);
  assert.ok(Math.abs(ratioFor(p.targetMs + p.deadbandMs + 20, p.targetMs) - 1.02) < 1e-9);
  assert.equal(ratioFor(1000, p.targetMs), p.maxRatio);
  assert.equal(ratioFor(0, p.targetMs), p.minRatio);
});

test('audibleMediaSec_followsTheContextClockFromTheLastReport', () => {
  const report = { contextTimeSec: 10, playheadSec: 100, ratio: 1.02, playing: true };
  // the speaker is playing context time 10.05 at performance time 5000 ms
  const ots = { contextTime: 10.05, performanceTime: 5000 };
  assert.ok(Math.abs(audibleMediaSec(report, ots, 5100) - (100 + 0.15 * 1.02)) < 1e-9);
  assert.equal(audibleMediaSec({ ...report, playing: false }, ots, 5100), null);
  assert.equal(audibleMediaSec(null, ots, 5100), null);
});

const frames = (...ts) => ts.map((tsSec) => ({ tsSec }));

test('pickFrame_noClock_showsTheNewestAndDropsTheRest', () => {
  assert.deepEqual(pickFrame(frames(1, 1.033, 1.066), null), { show: 2, drop: 2, reason: 'free' });
});

test('pickFrame_withClock_showsTheNewestDueFrame', () => {
  assert.deepEqual(pickFrame(frames(1, 1.033, 1.066), 1.04), { show: 1, drop: 1, reason: 'due' });
  assert.deepEqual(pickFrame(frames(1.1), 1.04), { show: -1, drop: 0, reason: 'early' });
});

test('pickFrame_farAheadOfTheClock_showsAnywaySoThePictureNeverFreezes', () => {
  assert.equal(pickFrame(frames(5, 5.033), 1).reason, 'clock-behind');
  assert.equal(pickFrame(frames(5, 5.033), 1).show, 1);
});

test('syncTracker_pictureLateAgainstSound_asksForMoreAudioDelay_thenGivesItBack', () => {
  const s = new SyncTracker({ windowSize: 10, stepMs: 10, maxExtraMs: 30 });
  for (let i = 0; i < 100; i++) s.add(60);
  assert.equal(s.extraMs, 30, 'bounded');
  for (let i = 0; i < 10; i++) s.add(-5);
  assert.equal(s.extraMs, 20);
  for (let i = 0; i < 10; i++) s.add(5);
  assert.equal(s.extraMs, 20, 'on time: unchanged');
});

test('pickFrame_burstOfTheGop_showsTheKeyframeAtOnceThenSkipsToTheLiveFrame', () => {
  // nothing shown yet: the keyframe (oldest) goes up although the newest received is a second later
  assert.deepEqual(pickFrame(frames(0), null, { newestSec: 1, msSinceShown: Infinity }), { show: 0, drop: 0, reason: 'free' });
  // 20 ms later, frame 0.033 is decoded: stale, skipped
  assert.deepEqual(pickFrame(frames(0.033), null, { newestSec: 1, msSinceShown: 20 }), { show: -1, drop: 1, reason: 'stale' });
  // near the live edge: shown
  assert.equal(pickFrame(frames(0.9), null, { newestSec: 1, msSinceShown: 20 }).show, 0);
  // a decoder that stays behind still moves the picture every maxHoldMs
  assert.equal(pickFrame(frames(0.2), null, { newestSec: 1, msSinceShown: 151 }).show, 0);
});

test('pickFrame_onTheAudioClock_aFrameFarBehindTheNewestReceivedIsStillShownWhenDue', () => {
  // sound 300 ms behind the newest frame received: the due frame is shown, not skipped as stale
  assert.deepEqual(pickFrame(frames(0.7, 0.733), 0.71, { newestSec: 1, msSinceShown: 33 }), { show: 0, drop: 0, reason: 'due' });
});

test('jumpToKeyframe_onlyWhenTheDecoderBacklogIsMoreThanAFewFrames', () => {
  assert.equal(jumpToKeyframe(4), false);
  assert.equal(jumpToKeyframe(5), true);
});

test('holdFrame_moreThanMaxHeldFrames_evictsTheOldest', () => {
  const held = [];
  const evicted = [];
  for (let i = 0; i < 20; i++) evicted.push(...holdFrame(held, { tsSec: i }));
  assert.equal(held.length, DECODE_BOUNDS.maxHeldFrames);
  assert.deepEqual(held.map((f) => f.tsSec), [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  assert.deepEqual(evicted.map((f) => f.tsSec), [...Array(8).keys()]);
});

test('decodeBounds_videoOverflowAbove90Queued_audioRefusedAbove100Queued', () => {
  assert.equal(videoDecodeOverflow(90), false);
  assert.equal(videoDecodeOverflow(91), true);
  assert.equal(admitAudio(100), true);
  assert.equal(admitAudio(101), false);
});

test('jitterBuffer_audioInBursts_underrunsRaiseTheTarget_thenItComesBackDown', () => {
  const buf = new AudioJitterBuffer({ sampleRate: RATE, channels: 1 });
  const out = [new Float32Array(BLOCK)];
  let media = 0;
  const blocksPerMs = RATE / BLOCK / 1000;
  // 5 packets (107 ms) at once every 107 ms: a 40 ms target runs dry before each burst
  for (let t = 0; t < 5000; t += 1) {
    if (t % 107 === 0) for (let i = 0; i < 5; i++) { buf.push(media, [plane(1)]); media += AAC / RATE; }
    if (Math.floor(t * blocksPerMs) !== Math.floor((t + 1) * blocksPerMs)) buf.pull(out);
  }
  const raised = buf.targetMs;
  assert.ok(raised > PLAYOUT_DEFAULTS.targetMs, `target ${raised}`);
  const underrunsThen = buf.underruns;
  // steady arrival again: the extra comes off, one step per 10 s without an underrun
  for (let t = 0; t < 60_000; t += 1) {
    if (t % 21 === 0) { buf.push(media, [plane(1)]); media += AAC / RATE; }
    if (Math.floor(t * blocksPerMs) !== Math.floor((t + 1) * blocksPerMs)) buf.pull(out);
  }
  assert.ok(buf.targetMs < raised, `target ${buf.targetMs} after a quiet minute (was ${raised})`);
  assert.ok(buf.jitterExtraMs <= PLAYOUT_DEFAULTS.maxJitterExtraMs);
  assert.ok(buf.underruns - underrunsThen <= 2, `underruns ${buf.underruns - underrunsThen}`);
});
