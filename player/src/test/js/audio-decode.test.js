// The audio decoder Worker's logic (lib/audio-decode.js) with a fake AudioDecoder and fake ports: what reaches the
// worklet, the bounds on both sides of the page -> worker hand-over, and the arrival spread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AudioDecodeCore, ChunkStamps, InFlightGate, ArrivalSpread, keepLag } from '../../main/web/js/lib/audio-decode.js';

class FakeAudioDecoder {
  constructor({ output, error }) { Object.assign(this, { output, error, state: 'unconfigured', decodeQueueSize: 0, chunks: [] }); }
  configure(config) { this.config = config; this.state = 'configured'; }
  decode(chunk) { this.chunks.push(chunk); }
  close() { this.state = 'closed'; }
}
class FakeAudioData {
  constructor(timestampUs, frames = 1024, channels = 2) { Object.assign(this, { timestamp: timestampUs, numberOfFrames: frames, numberOfChannels: channels, closed: false }); }
  copyTo(dest, { planeIndex }) { dest.fill(planeIndex + 0.5); }
  close() { this.closed = true; }
}
/** Outputs as Chromium's AudioDecoder stamps them: the first chunk's timestamp plus the frames decoded since. */
class CountingAudioDecoder extends FakeAudioDecoder {
  decode(chunk) {
    super.decode(chunk);
    if (this.firstUs === undefined) { this.firstUs = chunk.timestamp; this.frames = 0; }
    const ad = new FakeAudioData(this.firstUs + Math.round((this.frames * 1e6) / 48000));
    this.frames += 1024;
    this.output(ad);
  }
}
const chunkCtor = class { constructor(o) { Object.assign(this, o); } };
const port = () => ({ sent: [], postMessage(m, transfer) { this.sent.push({ m, transfer }); } });

function core() {
  const toPage = [];
  const c = new AudioDecodeCore({ AudioDecoderCtor: FakeAudioDecoder, EncodedAudioChunkCtor: chunkCtor, post: (m) => toPage.push(m) });
  return { c, toPage };
}
const chunk = (i) => ({ type: 'chunk', timestampUs: i * 21333, durationUs: 21333, data: new Uint8Array([0x21, i & 0xff]) });

test('audioDecodeCore_configAndChunks_decodesEachAsAKeyChunk', () => {
  const { c } = core();
  c.handle({ type: 'config', config: { codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 2 } });
  c.handle(chunk(1));
  c.handle(chunk(2));
  assert.equal(c.decoder.config.codec, 'mp4a.40.2');
  assert.deepEqual(c.decoder.chunks.map((k) => [k.type, k.timestamp, k.duration]), [['key', 21333, 21333], ['key', 42666, 21333]]);
});

test('audioDecodeCore_output_goesToTheWorkletPortAsPlanarPcmTransferred_andIsClosed', () => {
  const { c } = core();
  const worklet = port();
  c.handle({ type: 'port', port: worklet });
  c.handle({ type: 'config', config: { codec: 'mp4a.40.2' } });
  const ad = new FakeAudioData(2_000_000);
  c.decoder.output(ad);
  assert.equal(worklet.sent.length, 1);
  const { m, transfer } = worklet.sent[0];
  assert.equal(m.type, 'pcm');
  assert.equal(m.startSec, 2);
  assert.deepEqual(m.planes.map((p) => [p.length, p[0]]), [[1024, 0.5], [1024, 1.5]]);
  assert.deepEqual(transfer, m.planes.map((p) => p.buffer));
  assert.ok(ad.closed);
});

test('audioDecodeCore_outputBeforeTheWorkletPort_isClosedAndDropped', () => {
  const { c } = core();
  c.handle({ type: 'config', config: { codec: 'mp4a.40.2' } });
  const ad = new FakeAudioData(0);
  c.decoder.output(ad);
  assert.ok(ad.closed);
});

test('audioDecodeCore_decodeQueueOver100_dropsTheChunk_andReportsTakenEvery10', () => {
  const { c, toPage } = core();
  c.handle({ type: 'config', config: { codec: 'mp4a.40.2' } });
  c.decoder.decodeQueueSize = 101;
  for (let i = 0; i < 10; i++) c.handle(chunk(i));
  assert.equal(c.decoder.chunks.length, 0);
  assert.deepEqual(toPage, [{ type: 'taken', n: 10, dropped: 10 }]);
  c.decoder.decodeQueueSize = 100;
  c.handle(chunk(10));
  assert.equal(c.decoder.chunks.length, 1);
});

test('audioDecodeCore_reset_closesTheDecoder_chunksThenDroppedUntilConfiguredAgain', () => {
  const { c } = core();
  c.handle({ type: 'config', config: { codec: 'mp4a.40.2' } });
  const first = c.decoder;
  c.handle({ type: 'reset' });
  assert.equal(first.state, 'closed');
  c.handle(chunk(1));
  assert.equal(c.dropped, 1);
  c.handle({ type: 'config', config: { codec: 'mp4a.40.2' } });
  c.handle(chunk(2));
  assert.equal(c.decoder.chunks.length, 1);
});

test('audioDecodeCore_noAudioDecoderInTheWorker_tellsThePage', () => {
  const toPage = [];
  const c = new AudioDecodeCore({ AudioDecoderCtor: null, EncodedAudioChunkCtor: chunkCtor, post: (m) => toPage.push(m) });
  c.handle({ type: 'config', config: { codec: 'mp4a.40.2' } });
  assert.equal(toPage[0].type, 'error');
});

test('inFlightGate_100NotTaken_refusesThe101st_untilTheWorkerTakesSome', () => {
  const g = new InFlightGate(100);
  for (let i = 0; i < 100; i++) assert.ok(g.admit());
  assert.equal(g.admit(), false);
  assert.equal(g.refused, 1);
  g.onTaken(10);
  for (let i = 0; i < 10; i++) assert.ok(g.admit());
  assert.equal(g.admit(), false);
});

test('inFlightGate_takenBeyondPostedOrBackwards_isIgnored', () => {
  const g = new InFlightGate(2);
  g.admit();
  g.onTaken(50); // a count from before a reset
  g.admit();
  assert.equal(g.admit(), false);
});

test('arrivalSpread_steadyArrivals_zero_oneLateArrival_showsInTheMax', () => {
  const s = new ArrivalSpread(100);
  for (let i = 0; i < 50; i++) s.add(1000 + i * 21 + 7_000_000, i * 21); // any clock offset cancels
  assert.deepEqual(s.spread(), { p95Ms: 0, maxMs: 0 });
  s.add(1000 + 50 * 21 + 7_000_000 + 60, 50 * 21);
  assert.equal(s.spread().maxMs, 60);
  assert.equal(s.spread().p95Ms, 0);
  s.clear();
  assert.ok(Number.isNaN(s.spread().maxMs));
});

test('arrivalSpread_keepsOnlyTheLastN', () => {
  const s = new ArrivalSpread(10);
  s.add(500, 0); // late, then pushed out
  for (let i = 0; i < 10; i++) s.add(i, i);
  assert.equal(s.spread().maxMs, 0);
});

test('keepLag_aFloodOfArrivals_keepsAtMost16_theLastHoldsTheLargestOfTheRest', () => {
  const lags = [];
  for (let i = 0; i < 1000; i++) keepLag(lags, i === 500 ? 900 : i % 7);
  assert.equal(lags.length, 16);
  assert.equal(lags[15], 900);
});

test('audioDecodeCore_aDecoderThatCountsFrames_eachPcmStillCarriesItsChunksTime', () => {
  // Chunks 3 and 4 never came (dropped on the way): a decoder that counts frames would put everything after
  // 43 ms early against the picture.
  const toPage = [];
  const c = new AudioDecodeCore({ AudioDecoderCtor: CountingAudioDecoder, EncodedAudioChunkCtor: chunkCtor, post: (m) => toPage.push(m) });
  const worklet = port();
  c.handle({ type: 'port', port: worklet });
  c.handle({ type: 'config', config: { codec: 'mp4a.40.2' } });
  for (const i of [1, 2, 5, 6, 7]) c.handle(chunk(i));
  assert.deepEqual(worklet.sent.map(({ m }) => Math.round(m.startSec * 1e6)), [1, 2, 5, 6, 7].map((i) => i * 21333));
});

test('chunkStamps_noChunkPending_usesTheDecodersTime_andForgetsPastItsBound', () => {
  const s = new ChunkStamps(3);
  assert.equal(s.startSecOf({ timestamp: 5_000_000 }), 5);
  for (const t of [1e6, 2e6, 3e6, 4e6]) s.sent(t);
  assert.deepEqual(s.pending, [2e6, 3e6, 4e6]);
  assert.equal(s.startSecOf({ timestamp: 0 }), 2);
  s.clear();
  assert.equal(s.startSecOf({ timestamp: 7e6 }), 7);
});

test('audioDecodeCore_aFrameNotNewerThanTheLastDecoded_isDropped_untilAReset', () => {
  // Sound on: the feed Worker took frames 5 and 6 from the socket, then the page's hand-over of frames 3-5 arrives.
  const { c } = core();
  c.handle({ type: 'config', config: { codec: 'mp4a.40.2' } });
  c.decodeSample({ timestampUs: 5 * 21333, durationUs: 21333, data: new Uint8Array([5]) });
  c.decodeSample({ timestampUs: 6 * 21333, durationUs: 21333, data: new Uint8Array([6]) });
  for (const i of [3, 4, 5]) c.handle(chunk(i));
  assert.deepEqual(c.decoder.chunks.map((k) => k.timestamp / 21333), [5, 6]);
  assert.equal(c.dropped, 3);
  c.handle({ type: 'reset' }); // a new timeline (republish) may start anywhere
  c.handle({ type: 'config', config: { codec: 'mp4a.40.2' } });
  c.handle(chunk(1));
  assert.deepEqual(c.decoder.chunks.map((k) => k.timestamp / 21333), [1]);
});
