import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toError, friendlyMessage, ApiError } from '../../main/web/js/api.js';

// Status and codes from docs/room-api.md.
const cases = [
  ['join', 403, { error: 'wrong_passcode', message: 'wrong passcode for room movie' }, 'wrong_passcode'],
  ['join', 404, { error: 'not_found', message: 'no such room' }, 'room_gone'],
  ['room', 410, { error: 'room_deleted', message: 'deleted' }, 'room_gone'],
  ['join', 429, { error: 'too_many_attempts', message: 'slow down' }, 'too_many_attempts'],
  ['room', 401, { error: 'token_expired', message: 'expired' }, 'unauthorized'],
  ['control', 403, { error: 'not_in_control', message: 'no' }, 'not_in_control'],
  ['vnc', 502, { error: 'vnc_unavailable', message: 'refused' }, 'vnc_unavailable'],
  ['join', 0, null, 'server_down'],
  ['join', 503, null, 'server_down'],
  ['join', 502, null, 'server_down'],
  ['room', 500, { error: 'internal_error', message: 'db' }, 'internal_error'],
];
for (const [op, status, body, code] of cases) {
  test(`toError_${op}_${status}_${body ? body.error : 'nobody'}_is_${code}`, () => {
    const e = toError(op, status, body);
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, code);
    assert.equal(e.status, status);
  });
}

test('friendlyMessage_wrongPasscode_saysWhatToDo', () => {
  assert.match(friendlyMessage(toError('join', 403, { error: 'wrong_passcode' })), /passcode is not right/);
});

test('friendlyMessage_networkFailure_saysServerUnreachable', () => {
  assert.match(friendlyMessage(new TypeError('Failed to fetch')), /cannot be reached/);
});
