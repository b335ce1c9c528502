import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from '../../main/web/js/lib/backoff.js';
import { containRect, boxToDesktop, desktopToBox } from '../../main/web/js/lib/geometry.js';
import { FeedParser, FeedState, FeedProtocolError } from '../../main/web/js/lib/feed.js';
import { WindowRate, Percentiles, WallClockMap } from '../../main/web/js/lib/stats.js';
import { box, prft, u32, u8 } from './boxes.js';
import { HlsTokenRenewal } from '../../main/web/js/lib/hls-token.js';

test('nextDelayMs_repeatedFailures_growExponentiallyToCap', () => {
  const b = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0, random: () => 0.5 });
  assert.deepEqual([1, 2, 3, 4, 5].map(() => b.nextDelayMs()), [100, 200, 400, 800, 1000]);
});

test('disconnected_afterStableConnection_resetsDelay', () => {
  const b = new Backoff({ initialMs: 100, jitter: 0, stableAfterMs: 5000 });
  b.nextDelayMs(); b.nextDelayMs();
  b.connected(0); b.disconnected(6000);
  assert.equal(b.nextDelayMs(), 100);
});

test('disconnected_rightAfterConnect_keepsGrowing', () => {
  const b = new Backoff({ initialMs: 100, jitter: 0, stableAfterMs: 5000 });
  b.nextDelayMs(); b.connected(0); b.disconnected(10);
  assert.equal(b.nextDelayMs(), 200);
});

test('nextDelayMs_withJitter_staysWithinSpread', () => {
  const lo = new Backoff({ initialMs: 1000, jitter: 0.25, random: () => 0 }).nextDelayMs();
  const hi = new Backoff({ initialMs: 1000, jitter: 0.25, random: () => 0.999999 }).nextDelayMs();
  assert.equal(lo, 750);
  assert.equal(hi, 1250);
});

test('containRect_wideWindow_pillarboxes', () => {
  assert.deepEqual(containRect(1920, 720, 1280, 720), { x: 320, y: 0, width: 1280, height: 720 });
});

test('containRect_tallWindow_letterboxes', () => {
  assert.deepEqual(containRect(640, 720, 1280, 720), { x: 0, y: 180, width: 640, height: 360 });
});

test('boxToDesktop_anyWindowSize_mapsToSameDesktopPixel', () => {
  for (const [w, h] of [[1280, 720], [1920, 1080], [800, 900], [333, 777]]) {
    const r = containRect(w, h, 1280, 720);
    const p = desktopToBox(641, 77, r, 1280, 720);
    assert.deepEqual(boxToDesktop(p.x, p.y, r, 1280, 720), { x: 641, y: 77, inside: true }, `${w}x${h}`);
  }
});

test('boxToDesktop_inBlackBars_isOutsideAndClamped', () => {
  const r = containRect(1920, 720, 1280, 720);
  assert.deepEqual(boxToDesktop(10, 10, r, 1280, 720), { x: 0, y: 10, inside: false });
});

test('accept_fullSequence_emitsHeaderInitFragmentsEndedAndNewGeneration', () => {
  const p = new FeedParser();
  const header = (g) => JSON.stringify({ type: 'header', mimeType: 'video/mp4; codecs="avc1.64001f"', codecs: 'avc1.64001f', width: 1280, height: 720, generation: g, hasVideo: true, hasAudio: false });
  assert.equal(p.accept('{"type":"waiting"}').kind, 'waiting');
  assert.equal(p.accept(header(1)).header.generation, 1);
  assert.equal(p.state, FeedState.EXPECT_INIT);
  assert.equal(p.accept(new Uint8Array(1)).kind, 'init');
  assert.equal(p.accept(new Uint8Array(2)).kind, 'fragment');
  assert.equal(p.accept('{"type":"ended"}').kind, 'ended');
  assert.equal(p.accept(header(2)).header.generation, 2);
  assert.equal(p.accept(new Uint8Array(1)).kind, 'init');
});

test('accept_initWithTheBurstInOneMessage_givesTheInitAndTheFragmentsApart', () => {
  const p = new FeedParser();
  p.accept(JSON.stringify({ type: 'header', mimeType: 'video/mp4; codecs="avc1.64001f"', generation: 1 }));
  const init = Buffer.concat([box('ftyp', Buffer.from('cmfc'), u32(0)), box('moov', box('mvhd', u32(0)))]);
  const chunk = (n) => Buffer.concat([prft(1, 1_700_000_000_000 + n, n), box('moof', box('mfhd', u32(0, n))), box('mdat', u32(n))]);
  const burst = Buffer.concat([chunk(1), chunk(2)]);
  const out = p.accept(u8(Buffer.concat([init, burst])));
  assert.equal(out.kind, 'init');
  assert.deepEqual(Buffer.from(out.data), init);
  assert.deepEqual(Buffer.from(out.fragments), burst, 'the keyframe and the fragments after it, starting at prft');
  assert.equal(p.accept(u8(chunk(3))).kind, 'fragment');
  const alone = new FeedParser();
  alone.accept(JSON.stringify({ type: 'header', mimeType: 'video/mp4', generation: 1 }));
  assert.equal(alone.accept(u8(init)).fragments, null, 'an init segment alone has no fragments');
});

test('accept_unknownType_isIgnored', () => {
  assert.deepEqual(new FeedParser().accept('{"type":"stats","x":1}'), { kind: 'ignored', type: 'stats' });
});

const badFeeds = [
  ['binary before any header', [new Uint8Array(1)]],
  ['binary after ended', ['{"type":"header","mimeType":"video/mp4","generation":1}', new Uint8Array(1), '{"type":"ended"}', new Uint8Array(1)]],
  ['text that is not JSON', ['hello']],
  ['JSON without type', ['{"a":1}']],
  ['header without generation', ['{"type":"header","mimeType":"video/mp4"}']],
  ['header with a non-mp4 mime type', ['{"type":"header","mimeType":"video/webm","generation":1}']],
];
for (const [name, messages] of badFeeds) {
  test(`accept_${name.replace(/\W+/g, '_')}_throwsAndStaysBad`, () => {
    const p = new FeedParser();
    assert.throws(() => messages.forEach((m) => p.accept(m)), FeedProtocolError);
    assert.equal(p.state, FeedState.BAD);
    assert.throws(() => p.accept('{"type":"waiting"}'), FeedProtocolError);
  });
}

test('perSecond_bytesOverWindow_givesRate', () => {
  const r = new WindowRate(2000);
  for (let t = 0; t <= 2000; t += 100) r.add(1000, t);
  assert.ok(Math.abs(r.perSecond(2000) - 10_500) < 1, String(r.perSecond(2000)));
});

test('at_percentiles_pickNearestRank', () => {
  const p = new Percentiles();
  for (let i = 1; i <= 100; i++) p.add(i);
  assert.equal(p.at(50), 50);
  assert.equal(p.at(95), 95);
});

test('wallClockAt_betweenAnchors_extrapolatesFromPrevious', () => {
  const m = new WallClockMap();
  m.add(10, 1_000_000);
  m.add(10.5, 1_000_510);
  assert.equal(m.wallClockAt(10.25), 1_000_250);
  assert.equal(m.wallClockAt(10.6), 1_000_610);
  assert.ok(Number.isNaN(m.wallClockAt(9)));
});

test('add_timelineRestart_clearsOldAnchors', () => {
  const m = new WallClockMap();
  m.add(100, 5000);
  m.add(0, 9000);
  assert.equal(m.wallClockAt(0.1), 9100);
});

test('WallClockMap.delayMs: shown time plus the clock offset minus the server wall clock; NaN while unknown', () => {
  const m = new WallClockMap();
  assert.ok(Number.isNaN(m.delayMs(0, 1000, { offsetMs: 5 })), 'no anchor yet');
  m.add(10, 50_000);
  assert.equal(m.delayMs(10.5, 50_600, { offsetMs: -20 }), 50_600 - 20 - 50_500);
  assert.ok(Number.isNaN(m.delayMs(10.5, 50_600, null)), 'no clock estimate yet');
});

test('hlsTokenRenewal_403_renewsOnce_a403AgainBeforeAnyFragmentIsFinal_aFragmentBetweenAllowsTheNext', () => {
  const r = new HlsTokenRenewal();
  assert.equal(r.refused(), 'renew');
  assert.equal(r.refused(), 'refused'); // the fresh token refused too
  r.fragmentLoaded(); // played on the fresh token
  assert.equal(r.refused(), 'renew'); // it expired in its turn
  assert.equal(r.renewals, 2);
});
