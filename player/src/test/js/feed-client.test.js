import { test } from 'node:test';
import assert from 'node:assert/strict';

/** A WebSocket stand-in: records instances; the test opens and closes them. */
class FakeWebSocket {
  static instances = [];
  constructor(url) { this.url = url; FakeWebSocket.instances.push(this); }
  close(code, reason) { this.closedWith = { code, reason }; }
  serverClose(code, reason) { this.onclose && this.onclose({ code, reason }); }
}
globalThis.WebSocket = FakeWebSocket;
const { FeedClient, hlsMayHelp } = await import('../../main/web/js/feed-client.js');

const quietLog = { info() {}, warn() {}, error() {}, debug() {} };
const player = { onHeader() {}, onInit() {}, onFragment() {}, onEnded() {}, reset() {} };
const until = async (condition, timeoutMs = 3000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

test('feedClient_revokedTokenAndSessionGone_givesUpOnceWithTheProvidersError', async () => {
  FakeWebSocket.instances = [];
  let calls = 0;
  const gone = Object.assign(new Error('this member session has ended'), { code: 'unauthorized', permanent: true });
  const fatals = [];
  const states = [];
  const feed = new FeedClient(async () => {
    calls++;
    if (calls > 1) throw gone; // the controller no longer knows this session: no fresh token
    return 'ws://media.test/live/room1/feed?token=m1.room1.bea.1.sig';
  }, player, { log: quietLog, onFatal: (f) => fatals.push(f), onState: (s) => states.push(s) });
  await feed.start();
  const socket = FakeWebSocket.instances[0];
  socket.onopen();
  socket.serverClose(4403, 'media token revoked');
  await until(() => fatals.length > 0);
  assert.equal(calls, 2, 'the provider is asked once more for a fresh token');
  assert.equal(fatals.length, 1);
  assert.equal(fatals[0].code, 4403);
  assert.equal(fatals[0].error, gone);
  assert.equal(states.at(-1), 'failed');
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(calls, 2, 'it kept retrying after the session was gone');
  assert.equal(FakeWebSocket.instances.length, 1);
  feed.stop();
});

test('feedClient_urlProviderFailsTransiently_retries', async () => {
  FakeWebSocket.instances = [];
  let calls = 0;
  const fatals = [];
  const feed = new FeedClient(async () => {
    calls++;
    if (calls === 1) throw Object.assign(new Error('server busy'), { code: 'server_down' });
    return 'ws://media.test/live/room1/feed';
  }, player, { log: quietLog, onFatal: (f) => fatals.push(f) });
  await feed.start();
  await until(() => FakeWebSocket.instances.length === 1);
  assert.equal(fatals.length, 0);
  feed.stop();
});

test('feedClient_tokenExpiresTwiceWhileWatching_freshTokenEachTime', async () => {
  FakeWebSocket.instances = [];
  let calls = 0;
  const fatals = [];
  const feed = new FeedClient(async () => {
    calls++;
    return `ws://media.test/live/room1/feed?token=m1.room1.bea.${calls}.sig`;
  }, player, { log: quietLog, onFatal: (f) => fatals.push(f), onState() {} });
  await feed.start();
  for (let expiry = 1; expiry <= 2; expiry++) {
    const socket = FakeWebSocket.instances[expiry - 1];
    socket.onopen();
    socket.onmessage({ data: '{"type":"waiting"}' });
    socket.serverClose(4403, 'media token expired');
    await until(() => FakeWebSocket.instances.length === expiry + 1);
  }
  assert.equal(calls, 3, 'a fresh token was asked for after each expiry');
  assert.equal(fatals.length, 0);
  feed.stop();
});

test('feedClient_tokenExpiresThenRenewalRefused_countsOneSocketPerConnectAndOneRenewalPer4403', async () => {
  FakeWebSocket.instances = [];
  let calls = 0;
  const fatals = [];
  const infos = [];
  const log = { ...quietLog, info: (m) => infos.push(m) };
  const gone = Object.assign(new Error('session ended'), { code: 'unauthorized', permanent: true });
  const feed = new FeedClient(async () => {
    calls++;
    if (calls > 2) throw gone;
    return `ws://media.test/live/room1/feed?token=m1.room1.bea.${calls}.sig`;
  }, player, { log, onFatal: (f) => fatals.push(f), onState() {} });
  await feed.start();
  assert.deepEqual([feed.sockets, feed.tokenRenewals], [1, 0]);
  const first = FakeWebSocket.instances[0];
  first.onopen();
  first.onmessage({ data: '{"type":"waiting"}' });
  first.serverClose(4403, 'media token expired');
  assert.equal(feed.tokenRenewals, 1, 'the 4403 counts as one renewal at once');
  assert.ok(infos.some((m) => /4403 \(media token expired\).*fresh media token \(renewal 1\)/.test(m)), infos.join('\n'));
  await until(() => FakeWebSocket.instances.length === 2);
  assert.deepEqual([feed.sockets, feed.tokenRenewals], [2, 1]);
  const second = FakeWebSocket.instances[1];
  second.onopen();
  second.onmessage({ data: '{"type":"waiting"}' });
  second.serverClose(4403, 'media token revoked');
  await until(() => fatals.length === 1);
  assert.deepEqual([feed.sockets, feed.tokenRenewals], [2, 2], 'the refused renewal opened no socket');
  assert.equal(fatals[0].error, gone);
  feed.stop();
});

test('hlsMayHelp_refusedTokenOrUnknownStream_no_otherCloses_yes', () => {
  // LL-HLS checks the same media token on every request: after a refused renewal it would only be refused again.
  assert.equal(hlsMayHelp(4403), false);
  assert.equal(hlsMayHelp(4404), false);
  assert.equal(hlsMayHelp(1006), true, 'a feed that could not be reached (WebSockets blocked): LL-HLS may play');
  assert.equal(hlsMayHelp(4008), true);
});

test('feedClient_initMessageWithTheBurst_givesThePlayerTheInitThenTheBurstAsOneFragmentMessage', async () => {
  FakeWebSocket.instances = [];
  const calls = [];
  const recorder = { ...player, onInit: (d) => calls.push(['init', d.byteLength]), onFragment: (d) => calls.push(['fragment', d.byteLength]) };
  const feed = new FeedClient(() => 'ws://media.test/live/demo/feed', recorder, { log: quietLog });
  await feed.start();
  const socket = FakeWebSocket.instances[0];
  socket.onopen();
  socket.onmessage({ data: JSON.stringify({ type: 'header', mimeType: 'video/mp4; codecs="avc1.64001f"', generation: 1 }) });
  const be32 = (n) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  const box = (type, bodyBytes) => [...be32(8 + bodyBytes), ...[...type].map((c) => c.charCodeAt(0)), ...new Array(bodyBytes).fill(0)];
  const message = new Uint8Array([...box('ftyp', 8), ...box('moov', 20), ...box('prft', 24), ...box('moof', 16), ...box('mdat', 100)]);
  socket.onmessage({ data: message.buffer });
  assert.deepEqual(calls, [['init', 16 + 28], ['fragment', 32 + 24 + 108]]);
  feed.stop();
});
