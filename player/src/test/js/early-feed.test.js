// The early feed socket (lib/early-feed.js) and its hand-over to FeedClient: what is held, the bounds, and the
// client seeing the held messages and close as if it had opened the socket itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openEarlyFeed, EARLY_FEED_BOUNDS, roomIdOf } from '../../main/web/js/lib/early-feed.js';

class FakeWebSocket {
  static instances = [];
  constructor(url) { this.url = url; FakeWebSocket.instances.push(this); }
  close(code, reason) { this.closedWith = { code, reason }; }
}
globalThis.WebSocket = FakeWebSocket;
const { FeedClient } = await import('../../main/web/js/feed-client.js');

const storageWith = (entries) => ({ getItem: (k) => (k in entries ? entries[k] : null) });
const member = JSON.stringify({ memberId: 'm1', token: 't', feedUrl: '/live/room1/feed?token=abc' });
function open(over = {}) {
  FakeWebSocket.instances = [];
  const timers = [];
  const early = openEarlyFeed({ href: 'http://host:8080/room.html?room=room1', search: '?room=room1', hash: '', WebSocketCtor: FakeWebSocket,
    storage: storageWith({ 'sharespace.member.room1': member }), nowMs: () => 1000, setTimer: (fn, ms) => timers.push({ fn, ms }), ...over });
  return { early, ws: FakeWebSocket.instances[0], timers };
}

test('roomIdOf_queryOrHash', () => {
  assert.equal(roomIdOf('?room=a-1', ''), 'a-1');
  assert.equal(roomIdOf('', '#b%202'), 'b 2');
});

test('openEarlyFeed_memberWithFeedUrl_opensTheWsUrl_andHoldsMessagesUntilTaken', () => {
  const { early, ws } = open();
  assert.equal(ws.url, 'ws://host:8080/live/room1/feed?token=abc');
  assert.equal(ws.binaryType, 'arraybuffer');
  ws.onopen();
  ws.onmessage({ data: '{"type":"header"}' });
  ws.onmessage({ data: new ArrayBuffer(10) });
  const taken = early.take('/live/room1/feed?token=abc');
  assert.equal(taken.opened, true);
  assert.equal(taken.messages.length, 2);
  assert.equal(taken.messages[0].receivedAtMs, 1000);
  assert.equal(ws.onmessage, null, 'the taker sets its own handlers');
  assert.equal(early.take('/live/room1/feed?token=abc'), null, 'taken once');
  early.drop();
  assert.equal(ws.closedWith, undefined, 'a taken socket is not closed by drop');
});

test('openEarlyFeed_noSessionNoFeedUrlOrHlsForced_opensNothing', () => {
  assert.equal(open({ storage: storageWith({}) }).early, null);
  assert.equal(open({ storage: storageWith({ 'sharespace.member.room1': '{"token":"t"}' }) }).early, null);
  assert.equal(open({ storage: storageWith({ 'sharespace.member.room1': '{bad json' }) }).early, null);
  assert.equal(open({ search: '?room=room1&transport=hls' }).early, null);
  assert.equal(open({ search: '?room=room1&early=0' }).early, null);
  assert.equal(FakeWebSocket.instances.length, 0);
});

test('openEarlyFeed_anotherFeedAddress_closesAndGivesNothing', () => {
  const { early, ws } = open();
  assert.equal(early.take('/live/room1/feed?token=other'), null);
  assert.equal(ws.closedWith.code, 4000);
});

test('openEarlyFeed_notTakenInTime_closesAndDropsWhatItHeld', () => {
  const { early, ws, timers } = open();
  ws.onmessage({ data: new ArrayBuffer(100) });
  assert.equal(timers[0].ms, EARLY_FEED_BOUNDS.maxHoldMs);
  timers[0].fn();
  assert.equal(ws.closedWith.code, 4000);
  assert.equal(early.messages.length, 0);
  assert.equal(early.take('/live/room1/feed?token=abc'), null);
});

test('openEarlyFeed_moreThanMaxMessages_closes', () => {
  const { early, ws } = open({ bounds: { ...EARLY_FEED_BOUNDS, maxMessages: 3 } });
  for (let i = 0; i < 3; i++) ws.onmessage({ data: new ArrayBuffer(1) });
  assert.equal(ws.closedWith, undefined);
  ws.onmessage({ data: new ArrayBuffer(1) });
  assert.equal(ws.closedWith.code, 4000);
  assert.ok(early.dropped);
  assert.equal(early.messages.length, 0);
});

test('openEarlyFeed_moreThanMaxBytes_closes', () => {
  const { ws } = open({ bounds: { ...EARLY_FEED_BOUNDS, maxBytes: 1000 } });
  ws.onmessage({ data: new ArrayBuffer(1000) });
  assert.equal(ws.closedWith, undefined);
  ws.onmessage({ data: new ArrayBuffer(1) });
  assert.equal(ws.closedWith.code, 4000);
});

const quietLog = { info() {}, warn() {}, error() {}, debug() {} };

test('feedClient_earlySocket_usedForTheFirstConnect_heldMessagesReplayedWithTheirArrivalTimes', async () => {
  const { early, ws } = open();
  ws.onopen();
  ws.onmessage({ data: JSON.stringify({ type: 'waiting' }) });
  const states = [];
  let provided = 0;
  const feed = new FeedClient(() => { provided++; return 'ws://unused'; }, { onHeader() {}, onInit() {}, onFragment() {}, onEnded() {}, reset() {} },
    { log: quietLog, onState: (s) => states.push(s), early: { ...early.take('/live/room1/feed?token=abc'), url: ws.url } });
  await feed.start();
  assert.equal(provided, 0, 'no new socket, no URL asked for');
  assert.equal(FakeWebSocket.instances.length, 1);
  assert.equal(feed.socket, ws);
  assert.deepEqual(states, ['connecting', 'waiting']);
  feed.stop();
});

test('feedClient_earlySocketClosedWith4403_asksForAFreshUrlAndReconnects', async () => {
  const { early, ws } = open();
  ws.onclose({ code: 4403, reason: 'bad token' });
  let provided = 0;
  const feed = new FeedClient(() => { provided++; return 'ws://media/live/room1/feed?token=fresh'; }, { onHeader() {}, onInit() {}, onFragment() {}, onEnded() {}, reset() {} },
    { log: quietLog, early: { ...early.take('/live/room1/feed?token=abc'), url: ws.url } });
  await feed.start();
  const deadline = Date.now() + 3000;
  while (FakeWebSocket.instances.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(provided, 1);
  assert.equal(FakeWebSocket.instances[1].url, 'ws://media/live/room1/feed?token=fresh');
  feed.stop();
});
