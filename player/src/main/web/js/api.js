// The room controller's HTTP API (docs/room-api.md), with every failure turned into one of a few
// messages a member can act on.
import { sessionKey, wsUrlOf } from './lib/early-feed.js';

export class ApiError extends Error {
  /** @param code 'wrong_passcode' | 'room_gone' | 'server_down' | 'unauthorized' | 'forbidden' | server code */
  constructor(code, message, status = 0) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

const FRIENDLY = {
  wrong_passcode: 'That passcode is not right for this room. Check it and try again.',
  room_gone: 'This room does not exist (any more). Ask whoever invited you for a new address.',
  server_down: 'The Share Space server cannot be reached right now. It may be restarting; try again in a moment.',
  unauthorized: 'Your session in this room has expired. Join again.',
  forbidden: 'You are not allowed to do that.',
  too_many_attempts: 'Too many wrong passcodes from here. Wait a minute, then try again.',
  not_in_control: 'You do not hold control any more.',
  vnc_unavailable: 'The desktop does not accept keyboard and mouse right now. Try again in a moment.',
};

export function friendlyMessage(err) {
  if (err instanceof ApiError) return FRIENDLY[err.code] || err.message;
  return FRIENDLY.server_down;
}

/** Maps an HTTP failure of a given operation to an ApiError. */
export function toError(op, status, body) {
  const code = body && typeof body.error === 'string' ? body.error : '';
  const message = body && typeof body.message === 'string' ? body.message : `HTTP ${status}`;
  if (code === 'vnc_unavailable') return new ApiError(code, message, status);
  if (status === 0 || status === 502 || status === 503 || status === 504) return new ApiError('server_down', message, status);
  if (status === 404 || status === 410) return new ApiError('room_gone', message, status);
  if (op === 'join' && (status === 401 || status === 403 || /passcode/.test(code))) return new ApiError('wrong_passcode', message, status);
  if (status === 429) return new ApiError('too_many_attempts', message, status);
  if (status === 401) return new ApiError('unauthorized', message, status);
  if (status === 403) return new ApiError(code || 'forbidden', message, status);
  return new ApiError(code || 'server_error', message, status);
}

export async function request(op, method, path, { token, body } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch (e) {
    throw new ApiError('server_down', e.message, 0);
  }
  let json = null;
  const text = await res.text().catch(() => '');
  if (text) { try { json = JSON.parse(text); } catch { json = null; } }
  if (!res.ok) throw toError(op, res.status, json);
  return json;
}

const enc = encodeURIComponent;

export const api = {
  listRooms: (adminToken) => request('list', 'GET', '/api/rooms', { token: adminToken }),
  createRoom: (adminToken, room) => request('create', 'POST', '/api/rooms', { token: adminToken, body: room }),
  deleteRoom: (adminToken, id) => request('delete', 'DELETE', `/api/rooms/${enc(id)}`, { token: adminToken }),
  join: (id, passcode, name) => request('join', 'POST', `/api/rooms/${enc(id)}/join`, { body: { passcode, name } }),
  room: (id, token) => request('room', 'GET', `/api/rooms/${enc(id)}`, { token }),
  control: (id, token, action, body = {}) => request('control', 'POST', `/api/rooms/${enc(id)}/control/${action}`, { token, body }),
  leave: (id, token) => request('leave', 'POST', `/api/rooms/${enc(id)}/leave`, { token, body: {} }),
  vncToken: (id, token) => request('vnc', 'POST', `/api/rooms/${enc(id)}/vnc-token`, { token, body: {} }),
};

/** ws(s):// URL on this page's host for a path, or an absolute URL given by the server made ws(s). */
export const wsUrl = (pathOrUrl) => wsUrlOf(pathOrUrl, location.href);

/** Member sessions survive a reload of the tab (sessionStorage), not the closing of it. */
export const session = {
  get(roomId) { try { return JSON.parse(sessionStorage.getItem(sessionKey(roomId))); } catch { return null; } },
  set(roomId, value) { sessionStorage.setItem(sessionKey(roomId), JSON.stringify(value)); },
  clear(roomId) { sessionStorage.removeItem(sessionKey(roomId)); },
};
