// The feed socket in a Worker (lib/feed-worker.js): the Worker side with a fake WebSocket, the page side with a
// fake Worker, both joined by a fake message channel, FeedClient on top; real feed bytes (golden init and fragments).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FeedWorkerCore, FeedWorkerHub, WorkerSocket, FeedSockets, FEED_WORKER_BOUNDS } from '../../main/web/js/lib/feed-worker.js';
import { AudioDecodeCore } from '../../main/web/js/lib/audio-decode.js';
import { FeedClient } from '../../main/web/js/feed-client.js';
import { u8 } from './boxes.js';

const golden = (name) => u8(readFileSync(new URL(`../resources/golden/${name}`, import.meta.url)));
/** A fresh ArrayBuffer holding these bytes (what a socket's message event carries). */
const bufferOf = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.byteLength; }
  return out.buffer;
};
const HEADER = JSON.stringify({ type: 'header', streamId: 's', mimeType: 'video/mp4; codecs="avc1.64001f,mp4a.40.2"', codecs: 'avc1.64001f,mp4a.40.2',
  width: 1280, height: 720, generation: 1, hasAudio: true });
const quietLog = { info() {}, warn() {}, error() {}, debug() {} };

/** The Worker's WebSocket stand-in: the test plays the server. */
class FakeServerSocket {
  static instances = [];
  constructor(url) { this.url = url; this.closedWith = null; FakeServerSocket.instances.push(this); }
  close(code, reason) { this.closedWith = { code, reason }; }
  open() { this.onopen && this.onopen({}); }
  send(data) { this.onmessage && this.onmessage({ data }); }
  serverClose(code, reason) { this.onclose && this.onclose({ code, reason, wasClean: true }); }
}

/** An AudioDecoder stand-in: records the chunks; decodeQueueSize as the test sets it. */
class FakeAudioDecoder {
  static instances = [];
  constructor() { this.state = 'unconfigured'; this.decodeQueueSize = 0; this.chunks = []; FakeAudioDecoder.instances.push(this); }
  configure() { this.state = 'configured'; }
  decode(c) { this.chunks.push(c); }
  close() { this.state = 'closed'; }
}
class FakeChunk { constructor(init) { Object.assign(this, init); this.bytes = [...init.data]; } }

/**
 * A Worker stand-in joining the page's hub to a FeedWorkerCore: postMessage each way, asynchronously as a real
 * Worker's; what the Worker posts is recorded with its transfer list.
 */
class FakeWorker {
  constructor({ bounds } = {}) {
    this.listeners = { message: [], error: [] };
    this.terminated = false;
    this.posted = []; // from the Worker: [msg, transfer]
    this.audio = new AudioDecodeCore({ AudioDecoderCtor: FakeAudioDecoder, EncodedAudioChunkCtor: FakeChunk, post: (m) => this.#toPage(m, []) });
    this.core = new FeedWorkerCore({ WebSocketCtor: FakeServerSocket, post: (m, t) => this.#toPage(m, t), audio: this.audio, nowMs: () => 1234, bounds });
  }
  addEventListener(type, f) { this.listeners[type].push(f); }
  removeEventListener(type, f) { this.listeners[type] = this.listeners[type].filter((g) => g !== f); }
  postMessage(m) { if (!this.terminated) queueMicrotask(() => this.core.handle(m)); }
  terminate() { this.terminated = true; }
  fail(message) { for (const f of [...this.listeners.error]) f({ message }); }
  #toPage(m, transfer) {
    this.posted.push([m, transfer]);
    if (!this.terminated) queueMicrotask(() => { for (const f of [...this.listeners.message]) f({ data: m }); });
  }
}
const settle = () => new Promise((r) => setTimeout(r, 0));
const until = async (condition, timeoutMs = 3000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};
const recordingPlayer = () => {
  const calls = [];
  return { calls, onHeader: (h) => calls.push(['header', h.generation]), onInit: (d) => calls.push(['init', d.byteLength]),
    onFragment: (d, at, audioDecoded) => calls.push(['fragment', d.byteLength, at, audioDecoded]), onEnded: () => calls.push(['ended']), reset: () => calls.push(['reset']) };
};

test('feedWorkerCore_messages_forwardedInOrder_binaryTransferredNotCopied_withTheWorkersArrivalTime', () => {
  FakeServerSocket.instances = [];
  const out = [];
  const core = new FeedWorkerCore({ WebSocketCtor: FakeServerSocket, post: (m, t) => out.push([m, t]), nowMs: () => 777 });
  core.handle({ type: 'open', id: 5, url: 'ws://media.test/feed?token=t' });
  const ws = FakeServerSocket.instances[0];
  assert.equal(ws.url, 'ws://media.test/feed?token=t');
  assert.equal(ws.binaryType, 'arraybuffer');
  ws.open();
  ws.send(HEADER);
  const init = bufferOf(golden('ffmpeg-init-avc-aac.mp4'));
  ws.send(init);
  ws.serverClose(4404, 'no such stream');
  assert.deepEqual(out.map(([m]) => m.type), ['ws-open', 'ws-message', 'ws-message', 'ws-close']);
  assert.equal(out[1][0].data, HEADER);
  assert.deepEqual(out[1][1], []);
  assert.equal(out[2][0].data, init, 'the same ArrayBuffer');
  assert.deepEqual(out[2][1], [init], 'in the transfer list');
  assert.equal(out[2][0].receivedAtMs, 777);
  assert.deepEqual(out[3][0], { type: 'ws-close', id: 5, code: 4404, reason: 'no such stream', wasClean: true });
  core.handle({ type: 'close', id: 5, code: 1000 }); // already gone: nothing
  assert.equal(ws.closedWith, null);
});

test('feedClient_throughTheWorker_playsHeaderInitFragments_andRenewsTheTokenOn4403', async () => {
  FakeServerSocket.instances = [];
  const worker = new FakeWorker();
  const hub = new FeedWorkerHub(worker, { log: quietLog });
  const player = recordingPlayer();
  let calls = 0;
  const feed = new FeedClient(async () => `ws://media.test/feed?token=t${++calls}`, player, { log: quietLog, openSocket: (url) => hub.socket(url) });
  await feed.start();
  assert.ok(feed.socket instanceof WorkerSocket);
  await until(() => FakeServerSocket.instances.length === 1);
  const ws = FakeServerSocket.instances[0];
  ws.open();
  ws.send(HEADER);
  ws.send(bufferOf(golden('ffmpeg-init-avc-aac.mp4')));
  ws.send(bufferOf(golden('ffmpeg-fragment-2.m4s')));
  await until(() => player.calls.length === 3);
  assert.deepEqual(player.calls.map((c) => c[0]), ['header', 'init', 'fragment']);
  assert.equal(player.calls[2][2], 1234, "the Worker's arrival time");
  assert.equal(player.calls[2][3], false, 'sound off: the page decodes what it wants itself');
  ws.serverClose(4403, 'token expired');
  await until(() => FakeServerSocket.instances.length === 2);
  assert.equal(calls, 2, 'a fresh URL for the new socket');
  assert.equal(FakeServerSocket.instances[1].url, 'ws://media.test/feed?token=t2');
  feed.stop();
  await settle();
  assert.deepEqual(FakeServerSocket.instances[1].closedWith, { code: 1000, reason: 'bye' });
});

test('feedWorkerCore_soundOn_takesTheAacOutOfTheMessages_andTheMessageSaysSo', async () => {
  FakeServerSocket.instances = [];
  FakeAudioDecoder.instances = [];
  const worker = new FakeWorker();
  const hub = new FeedWorkerHub(worker, { log: quietLog });
  const s = hub.socket('ws://media.test/feed');
  const got = [];
  s.onmessage = (ev) => got.push(ev.audioDecoded);
  await settle();
  const ws = FakeServerSocket.instances[0];
  ws.open();
  ws.send(HEADER);
  ws.send(bufferOf(golden('ffmpeg-init-avc-aac.mp4')));
  ws.send(bufferOf(golden('ffmpeg-fragment-1.m4s'))); // sound off yet: the page's
  hub.post({ type: 'config', config: { codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 2 } });
  hub.post({ type: 'audio', on: true });
  await settle();
  const audioMsg = bufferOf(golden('ffmpeg-fragment-1.m4s'));
  const expected = [...golden('ffmpeg-fragment-1.m4s')];
  ws.send(audioMsg);
  ws.send(bufferOf(golden('ffmpeg-fragment-2.m4s'))); // video: nothing to decode, still the Worker's
  await until(() => got.length === 5);
  assert.deepEqual(got, [false, false, false, true, true]);
  const d = FakeAudioDecoder.instances[0];
  assert.equal(d.chunks.length, 1, 'the one AAC frame, not the video');
  assert.equal(d.chunks[0].type, 'key');
  assert.ok(d.chunks[0].bytes.length > 0 && expected.join().includes(d.chunks[0].bytes.join()), 'the sample bytes');
  assert.ok(Number.isInteger(d.chunks[0].timestamp) && d.chunks[0].duration > 20_000, 'an AAC frame: 1024 samples, over 20 ms');
  hub.post({ type: 'audio', on: false });
  await settle();
  ws.send(bufferOf(golden('ffmpeg-fragment-1.m4s')));
  await until(() => got.length === 6);
  assert.equal(got[5], false);
  assert.equal(d.chunks.length, 1);
});

test('feedWorkerCore_audioDecodeQueueOver100_dropsTheFrame', async () => {
  FakeServerSocket.instances = [];
  FakeAudioDecoder.instances = [];
  const worker = new FakeWorker();
  worker.core.handle({ type: 'open', id: 1, url: 'ws://x' });
  worker.core.handle({ type: 'config', config: {} });
  worker.core.handle({ type: 'audio', on: true });
  const ws = FakeServerSocket.instances[0];
  const d = FakeAudioDecoder.instances[0];
  ws.open();
  ws.send(HEADER);
  ws.send(bufferOf(golden('ffmpeg-init-avc-aac.mp4')));
  d.decodeQueueSize = 100;
  ws.send(bufferOf(golden('ffmpeg-fragment-1.m4s')));
  assert.equal(d.chunks.length, 1, 'at 100 waiting: still taken');
  d.decodeQueueSize = 101;
  ws.send(bufferOf(golden('ffmpeg-fragment-1.m4s')));
  assert.equal(d.chunks.length, 1, 'over 100 waiting: dropped');
  assert.equal(worker.audio.dropped, 1);
});

test('feedWorkerCore_pageTakesNothing_after300MessagesClosesTheSocket_andThePageSees4008', () => {
  FakeServerSocket.instances = [];
  const out = [];
  const core = new FeedWorkerCore({ WebSocketCtor: FakeServerSocket, post: (m) => out.push(m), nowMs: () => 0 });
  core.handle({ type: 'open', id: 1, url: 'ws://x' });
  const ws = FakeServerSocket.instances[0];
  ws.open();
  for (let i = 0; i < FEED_WORKER_BOUNDS.maxUntakenMessages; i++) ws.send('{"type":"waiting"}');
  assert.equal(ws.closedWith, null);
  assert.equal(out.filter((m) => m.type === 'ws-message').length, 300);
  ws.send('{"type":"waiting"}');
  assert.equal(ws.closedWith.code, 4000);
  assert.equal(out.at(-1).type, 'ws-close');
  assert.equal(out.at(-1).code, 4008);
  assert.equal(out.filter((m) => m.type === 'ws-message').length, 300, 'the 301st is not posted');
  assert.equal(ws.onmessage, null, 'nothing more from that socket');
});

test('feedWorkerCore_pageTakesAsItGoes_neverCloses', () => {
  FakeServerSocket.instances = [];
  const core = new FeedWorkerCore({ WebSocketCtor: FakeServerSocket, post: () => {}, nowMs: () => 0 });
  core.handle({ type: 'open', id: 1, url: 'ws://x' });
  const ws = FakeServerSocket.instances[0];
  for (let i = 1; i <= 1000; i++) {
    ws.send('{"type":"waiting"}');
    if (i % 10 === 0) core.handle({ type: 'taken', id: 1, n: i, bytes: i * 18 });
  }
  assert.equal(ws.closedWith, null);
});

test('feedWorkerCore_untakenBytesOverTheBound_closes', () => {
  FakeServerSocket.instances = [];
  const out = [];
  const core = new FeedWorkerCore({ WebSocketCtor: FakeServerSocket, post: (m) => out.push(m), nowMs: () => 0 });
  core.handle({ type: 'open', id: 1, url: 'ws://x' });
  const ws = FakeServerSocket.instances[0];
  const mib = 1024 * 1024;
  for (let i = 0; i < 16; i++) ws.send(new ArrayBuffer(mib));
  assert.equal(ws.closedWith, null, '16 MiB waiting is within the bound');
  ws.send(new ArrayBuffer(1));
  assert.equal(out.at(-1).code, 4008);
});

test('workerSocket_countsWhatThePageTook_tellsTheWorkerEvery10_andNoMessagesAfterClose', async () => {
  FakeServerSocket.instances = [];
  const worker = new FakeWorker();
  const hub = new FeedWorkerHub(worker, { log: quietLog });
  const s = hub.socket('ws://x');
  let n = 0;
  s.onmessage = () => n++;
  await settle();
  const ws = FakeServerSocket.instances[0];
  ws.open();
  await settle();
  assert.equal(s.readyState, WorkerSocket.OPEN);
  for (let i = 0; i < 25; i++) ws.send('{"type":"waiting"}');
  await until(() => n === 25);
  await settle();
  const sock = worker.core.sockets.get(s.id);
  assert.equal(sock.takenN, 20, 'told at 10 and 20');
  s.close(4001, 'silent');
  assert.equal(s.readyState, WorkerSocket.CLOSING);
  ws.send('{"type":"waiting"}'); // already on its way when the page closed
  await settle();
  await settle();
  assert.equal(n, 25, 'no message event once close() was called');
  assert.deepEqual(ws.closedWith, { code: 4001, reason: 'silent' });
});

test('feedWorkerHub_workerFails_closesItsSocketsWith1006_andTheFeedReconnectsOnAPageSocket', async () => {
  FakeServerSocket.instances = [];
  const pageSockets = [];
  class PageWebSocket { constructor(url) { this.url = url; pageSockets.push(this); } close() {} }
  const worker = new FakeWorker();
  const sockets = new FeedSockets({ WorkerCtor: function W() { return worker; }, WebSocketCtor: PageWebSocket, workerUrl: 'js/feed-worker.js', log: quietLog });
  const player = recordingPlayer();
  const feed = new FeedClient(async () => 'ws://media.test/feed', player, { log: quietLog, openSocket: (url) => sockets.open(url) });
  await feed.start();
  assert.ok(feed.socket instanceof WorkerSocket);
  assert.equal(sockets.workerOf(feed.socket), sockets.hub);
  const closes = [];
  const inner = feed.socket.onclose;
  feed.socket.onclose = (ev) => { closes.push(ev.code); inner(ev); };
  worker.fail('worker script did not load');
  assert.equal(worker.terminated, true);
  assert.deepEqual(closes, [1006]);
  await until(() => pageSockets.length === 1); // the backoff's first delay
  assert.equal(pageSockets[0].url, 'ws://media.test/feed');
  assert.ok(feed.socket instanceof PageWebSocket);
  assert.equal(sockets.workerOf(feed.socket), null);
  assert.equal(sockets.worker(), null, 'not offered again');
  feed.stop();
});

test('feedSockets_noWorkerOrParam0OrWorkerCannotBeMade_pageSockets', () => {
  class PageWebSocket { constructor(url) { this.url = url; } }
  const warn = [];
  const log = { ...quietLog, warn: (m) => warn.push(m) };
  const none = new FeedSockets({ WorkerCtor: undefined, WebSocketCtor: PageWebSocket, workerUrl: 'w.js', log });
  assert.ok(none.open('ws://x') instanceof PageWebSocket);
  let made = 0;
  const Ok = function W() { made++; return new FakeWorker(); };
  const off = new FeedSockets({ param: '0', WorkerCtor: Ok, WebSocketCtor: PageWebSocket, workerUrl: 'w.js', log });
  assert.ok(off.open('ws://x') instanceof PageWebSocket);
  assert.equal(made, 0);
  const throws = new FeedSockets({ WorkerCtor: function W() { throw new Error('SecurityError'); }, WebSocketCtor: PageWebSocket, workerUrl: 'w.js', log });
  assert.ok(throws.open('ws://x') instanceof PageWebSocket);
  assert.match(warn[0], /SecurityError/);
  const on = new FeedSockets({ WorkerCtor: Ok, WebSocketCtor: PageWebSocket, workerUrl: 'w.js', log });
  assert.ok(on.open('ws://x') instanceof WorkerSocket);
  assert.ok(on.open('ws://y') instanceof WorkerSocket);
  assert.equal(made, 1, 'one Worker for all the sockets');
});
