import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyRoomEvent, applyRoomConfig, EMPTY_ROOM_STATE } from '../../main/web/js/room-events.js';

// Shapes copied from docs/room-api.md.
const config = {
  id: 'movie', name: 'Movie night',
  you: { id: 'bea', name: 'Bea', owner: false, online: true },
  stream: { id: 'movie', live: true, width: 1280, height: 720 },
  control: { holder: 'olive', pending: ['bea'] },
  members: [{ id: 'olive', name: 'Olive', owner: true, online: true }, { id: 'bea', name: 'Bea', owner: false, online: true }],
};

test('applyRoomEvent_snapshot_takesMembersControlAndStream', () => {
  const s = applyRoomEvent(EMPTY_ROOM_STATE, { type: 'snapshot', room: config });
  assert.deepEqual(s.members.map((m) => [m.memberId, m.name, m.owner]), [['olive', 'Olive', true], ['bea', 'Bea', false]]);
  assert.equal(s.controlHolder, 'olive');
  assert.deepEqual(s.pending, ['bea']);
  assert.equal(s.streamLive, true);
});

test('applyRoomEvent_memberJoinedAndLeft_updatesListAndPending', () => {
  let s = applyRoomConfig(EMPTY_ROOM_STATE, config);
  s = applyRoomEvent(s, { type: 'member-joined', member: { id: 'cy', name: 'Cy', owner: false, online: true } });
  assert.deepEqual(s.members.map((m) => m.memberId), ['olive', 'bea', 'cy']);
  s = applyRoomEvent(s, { type: 'member-left', memberId: 'bea' });
  assert.deepEqual(s.members.map((m) => m.memberId), ['olive', 'cy']);
  assert.deepEqual(s.pending, []);
});

test('applyRoomEvent_presence_marksOffline', () => {
  const s = applyRoomEvent(applyRoomConfig(EMPTY_ROOM_STATE, config), { type: 'presence', memberId: 'olive', online: false });
  assert.equal(s.members.find((m) => m.memberId === 'olive').online, false);
});

test('applyRoomEvent_controlAndRequest_trackHolderAndQueue', () => {
  let s = applyRoomEvent(EMPTY_ROOM_STATE, { type: 'control', holder: 'bea', previousHolder: null, reason: 'request', pending: [] });
  assert.equal(s.controlHolder, 'bea');
  s = applyRoomEvent(s, { type: 'control-requested', memberId: 'cy', holder: 'bea', pending: ['cy'] });
  assert.deepEqual(s.pending, ['cy']);
  assert.equal(s.lastRequest, 'cy');
  s = applyRoomEvent(s, { type: 'control', holder: null, previousHolder: 'bea', reason: 'release', pending: [] });
  assert.equal(s.controlHolder, null);
});

test('applyRoomEvent_controlApiAnswer_updatesHolder', () => {
  const s = applyRoomEvent(EMPTY_ROOM_STATE, { holder: 'bea', pending: [] });
  assert.equal(s.controlHolder, 'bea');
});

test('applyRoomEvent_streamEndedAndDeleted_marksState', () => {
  let s = applyRoomEvent(EMPTY_ROOM_STATE, { type: 'stream', live: false });
  assert.equal(s.streamLive, false);
  s = applyRoomEvent(s, { type: 'room-deleted', roomId: 'movie' });
  assert.equal(s.gone, true);
});

test('applyRoomEvent_unknownType_changesNothing', () => {
  const s = applyRoomEvent(EMPTY_ROOM_STATE, { type: 'confetti' });
  assert.deepEqual(s, { ...EMPTY_ROOM_STATE });
});
