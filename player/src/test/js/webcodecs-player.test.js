// WebCodecsPlayer under node with fakes of the browser parts (decoders, track generator): what it hands the
// decoders, and the bounds it keeps, driven by real feed bytes (golden init, the media server's fragment layout).
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { box, u32, u64, prft, u8 } from './boxes.js';

const golden = (name) => u8(readFileSync(new URL(`../resources/golden/${name}`, import.meta.url)));

let decoders;
let written;
class FakeVideoDecoder {
  constructor({ output, error }) { Object.assign(this, { output, error, state: 'unconfigured', decodeQueueSize: 0, chunks: [], resets: 0 }); decoders.push(this); }
  configure(config) { this.config = config; this.state = 'configured'; }
  decode(chunk) { this.chunks.push(chunk); }
  reset() { this.resets++; this.state = 'unconfigured'; this.chunks = []; }
  close() { this.state = 'closed'; }
  static async isConfigSupported() { return { supported: true }; }
}
class FakeFrame {
  constructor(timestamp) { Object.assign(this, { timestamp, displayWidth: 320, displayHeight: 180, closed: false }); }
  close() { this.closed = true; }
}
Object.assign(globalThis, {
  VideoDecoder: FakeVideoDecoder,
  AudioDecoder: class { static async isConfigSupported() { return { supported: true }; } },
  EncodedVideoChunk: class { constructor(o) { Object.assign(this, o); } },
  MediaStreamTrackGenerator: class { constructor() { this.writable = { getWriter: () => ({ write: async (f) => { written.push(f); }, close: async () => {} }) }; } },
  MediaStream: class { constructor(tracks) { this.tracks = tracks; } },
  HTMLVideoElement: class {},
  requestAnimationFrame: (cb) => setTimeout(() => cb(performance.now()), 0),
});
const { WebCodecsPlayer } = await import('../../main/web/js/webcodecs-player.js');

/** One video sample as the media server sends it (prft, moof with a one-sample trun v1, mdat). */
function videoChunk(dtsTicks, key) {
  const data = Buffer.from([0, 0, 0, 1, key ? 0x65 : 0x41]);
  const trunOf = (off) => box('trun', u32(0x01000f01, 1, off, 512, data.length, key ? 0x02000000 : 0x01010000, 0));
  const moofOf = (off) => box('moof', box('mfhd', u32(0, 1)), box('traf', box('tfhd', u32(0x020000, 1)), box('tfdt', u32(0x01000000), u64(dtsTicks)), trunOf(off)));
  return u8(Buffer.concat([prft(1, Date.now(), dtsTicks), moofOf(moofOf(0).length + 8), box('mdat', data)]));
}

let events;
let player;
const header = (generation) => ({ generation, codecs: 'avc1.42c00d,mp4a.40.2', mimeType: 'video/mp4', hasAudio: true, hasVideo: true });
beforeEach(() => {
  decoders = [];
  written = [];
  events = [];
  const video = { play: async () => {}, srcObject: null };
  player = new WebCodecsPlayer(video, { workletUrl: 'unused', log: { warn() {}, info() {} }, onEvent: (e) => events.push(e) });
  player.onHeader(header(1));
  player.onInit(golden('ffmpeg-init-avc-aac.mp4'));
});

test('webCodecsPlayer_init_configuresTheDecoderFromAvcCWithLowLatency', () => {
  assert.equal(decoders.length, 1);
  assert.equal(decoders[0].config.codec, 'avc1.42c00d');
  assert.equal(decoders[0].config.optimizeForLatency, true);
  assert.equal(decoders[0].config.description[0], 1);
});

test('webCodecsPlayer_deltasBeforeTheFirstKeyframe_areNotDecoded', () => {
  player.onFragment(videoChunk(0, false), Date.now());
  player.onFragment(videoChunk(512, true), Date.now());
  player.onFragment(videoChunk(1024, false), Date.now());
  assert.deepEqual(decoders[0].chunks.map((c) => [c.type, c.timestamp]), [['key', Math.round(512 * 1e6 / 15360)], ['delta', Math.round(1024 * 1e6 / 15360)]]);
});

test('webCodecsPlayer_decoderBacklogAtAKeyframe_dropsItAndRestartsThere', () => {
  player.onFragment(videoChunk(0, true), Date.now());
  decoders[0].decodeQueueSize = 5;
  player.onFragment(videoChunk(512, true), Date.now());
  assert.equal(decoders[0].resets, 1);
  assert.equal(player.stats().seeks, 1);
  assert.deepEqual(decoders[0].chunks.map((c) => c.type), ['key'], 'decoding goes on from the new keyframe');
});

test('webCodecsPlayer_decodeQueueOver90_asksToStartOver', () => {
  player.onFragment(videoChunk(0, true), Date.now());
  decoders[0].decodeQueueSize = 91;
  player.onFragment(videoChunk(512, false), Date.now());
  assert.deepEqual(events.map((e) => e.type), ['overflow']);
});

test('webCodecsPlayer_framesOut_newestShownAtOnceWhileMuted_olderBurstFramesClosed', async () => {
  player.onFragment(videoChunk(0, true), Date.now());
  for (let i = 1; i < 30; i++) player.onFragment(videoChunk(i * 512, false), Date.now()); // the GOP burst
  const frames = [];
  for (let i = 0; i < 30; i++) { const f = new FakeFrame(Math.round(i * 512 * 1e6 / 15360)); frames.push(f); decoders[0].output(f); }
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(written[0], frames[0], 'the keyframe goes up at once');
  assert.ok(written.includes(frames[29]), 'the live frame is shown');
  assert.ok(written.length < 10, `${written.length} of 30 burst frames shown`);
  assert.ok(frames.filter((f) => !written.includes(f)).every((f) => f.closed), 'every frame not shown is closed');
});

test('webCodecsPlayer_republish_resetsTheDecoderAndWaitsForAKeyframe', () => {
  player.onFragment(videoChunk(0, true), Date.now());
  player.onHeader(header(2));
  assert.equal(decoders[0].resets, 1);
  player.onInit(golden('ffmpeg-init-avc-aac.mp4'));
  player.onFragment(videoChunk(0, false), Date.now());
  assert.deepEqual(decoders[0].chunks, [], 'no delta before the new keyframe');
  assert.equal(player.stats().generation, 2);
});

test('webCodecsPlayer_soundOnTheFeedWorker_configuresItThere_andSkipsTheAudioItDecodedAlready', async (t) => {
  const posted = [];
  const worker = { postMessage: (m) => posted.push(m), addEventListener() {}, removeEventListener() {}, terminate() { throw new Error('the feed Worker is not the player\'s to end'); } };
  Object.assign(globalThis, {
    AudioContext: class { constructor(o) { Object.assign(this, { sampleRate: o.sampleRate || 48000, state: 'running', destination: {}, audioWorklet: { addModule: async () => {} } }); }
      resume() { return Promise.resolve(); } suspend() { return Promise.resolve(); } close() { return Promise.resolve(); } },
    AudioWorkletNode: class { constructor() { this.port = { postMessage() {} }; } connect() {} },
    Worker: class { constructor() { throw new Error('the player makes no Worker of its own here'); } },
  });
  const video = { play: async () => {}, srcObject: null };
  const p = new WebCodecsPlayer(video, { workletUrl: 'unused', log: { warn() {}, info() {} }, feedWorker: () => ({ worker, failed: false }) });
  t.after(() => p.destroy()); // its main-thread timer ends with it, also when an assertion failed
  p.onHeader(header(1));
  p.onInit(golden('ffmpeg-init-avc-aac.mp4'));
  p.setSound(true);
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(posted.filter((m) => m.type !== 'port').map((m) => m.type), ['config', 'audio']);
  assert.equal(posted.find((m) => m.type === 'audio').on, true);
  p.onFragment(golden('ffmpeg-fragment-1.m4s'), Date.now(), true);
  assert.equal(posted.filter((m) => m.type === 'chunk').length, 0, 'decoded in the Worker already');
  assert.equal(p.stats().audioPath, 'feed-worker');
  p.onFragment(golden('ffmpeg-fragment-1.m4s'), Date.now(), false); // came before the Worker took the sound over
  assert.equal(posted.filter((m) => m.type === 'chunk').length, 1, 'handed to the Worker to decode');
  p.destroy();
  assert.deepEqual(posted.slice(-2).map((m) => [m.type, m.on]), [['audio', false], ['reset', undefined]]);
});
