// The room's event socket (WS /rooms/{id}/events?token=): members, who holds control, pending requests,
// stream live/ended; the page's drawing and pointer messages go out on it too (send). Reconnects by itself; every message is normalised into one RoomState shape so the
// page does not depend on which message carried what.
import { Backoff } from './lib/backoff.js';
import { wsUrl } from './api.js';

/**
 * @typedef {{members: Array<{memberId:string,name:string,owner:boolean,online:boolean}>, controlHolder: ?string,
 *            pending: string[], streamLive: ?boolean, stream: ?object, parts: ?object, room: ?object,
 *            gone?: boolean, lastRequest?: ?string}} RoomState
 */

const memberOf = (m) => ({ memberId: m.id ?? m.memberId, name: m.name ?? m.id ?? m.memberId, owner: !!m.owner, online: m.online !== false });

/** Folds a GetConfiguration (docs/room-api.md) into the state. */
export function applyRoomConfig(state, room) {
  const next = { ...state, room };
  if (Array.isArray(room.members)) next.members = room.members.map(memberOf);
  if (room.control) {
    next.controlHolder = room.control.holder ?? null;
    if (Array.isArray(room.control.pending)) next.pending = [...room.control.pending];
  }
  if (room.stream && typeof room.stream.live === 'boolean') { next.streamLive = room.stream.live; next.stream = room.stream; }
  if (room.parts) { next.parts = room.parts; if (typeof room.parts.streamLive === 'boolean' && !room.stream) next.streamLive = room.parts.streamLive; }
  return next;
}

/** Folds one event of the room event socket (docs/room-api.md) into the state. Pure; unit-tested. */
export function applyRoomEvent(state, ev) {
  let next = { ...state };
  switch (ev.type) {
    case 'snapshot':
      return applyRoomConfig(next, ev.room || {});
    case 'member-joined':
      if (ev.member) next.members = [...next.members.filter((m) => m.memberId !== (ev.member.id ?? ev.member.memberId)), memberOf(ev.member)];
      return next;
    case 'member-left':
      next.members = next.members.filter((m) => m.memberId !== ev.memberId);
      next.pending = next.pending.filter((id) => id !== ev.memberId);
      return next;
    case 'presence':
      next.members = next.members.map((m) => (m.memberId === ev.memberId ? { ...m, online: !!ev.online } : m));
      return next;
    case 'control':
    case 'control-requested':
      if ('holder' in ev) next.controlHolder = ev.holder ?? null;
      if (Array.isArray(ev.pending)) next.pending = [...ev.pending];
      if (ev.type === 'control-requested') next.lastRequest = ev.memberId ?? null;
      return next;
    case 'stream':
      if (typeof ev.live === 'boolean') next.streamLive = ev.live;
      if (ev.status) next.stream = ev.status;
      return next;
    case 'parts':
      next.parts = ev.parts;
      return next;
    case 'room-deleted':
      next.gone = true;
      return next;
    default:
      // A control API answer {holder, pending} has no type; anything else unknown is ignored.
      if (!ev.type && ('holder' in ev || Array.isArray(ev.pending))) {
        if ('holder' in ev) next.controlHolder = ev.holder ?? null;
        if (Array.isArray(ev.pending)) next.pending = [...ev.pending];
      }
      return next;
  }
}

export const EMPTY_ROOM_STATE = Object.freeze({ members: [], controlHolder: null, pending: [], streamLive: null, stream: null, parts: null, room: null });

export class RoomEvents {
  constructor(roomId, tokenProvider, { url = null, onState = () => {}, onConnection = () => {}, onFatal = () => {}, log = console } = {}) {
    Object.assign(this, { roomId, tokenProvider, url, onState, onConnection, onFatal, log });
    this.state = { ...EMPTY_ROOM_STATE };
    this.backoff = new Backoff({ initialMs: 500, maxMs: 10_000 });
    this.stopped = false;
  }

  start() { this.#connect(); }

  /** Sends one message (drawing, pointer; docs/room-api.md) if the socket is open; returns whether it was. */
  send(msg) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    if (this.ws) { this.ws.onclose = null; this.ws.close(1000); }
  }

  #connect() {
    if (this.stopped) return;
    const u = new URL(wsUrl(this.url || `/rooms/${encodeURIComponent(this.roomId)}/events`));
    u.searchParams.set('token', this.tokenProvider());
    const ws = new WebSocket(u.toString());
    this.ws = ws;
    ws.onopen = () => { this.backoff.connected(performance.now()); this.onConnection('open'); };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let msg;
      try { msg = JSON.parse(ev.data); } catch { this.log.warn('events: message is not JSON'); return; }
      this.state = applyRoomEvent(this.state, msg);
      this.onState(this.state, msg);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws || this.stopped) return;
      this.backoff.disconnected(performance.now());
      // docs/room-api.md close codes: 4401 session over, 4403 wrong room, 4404/4410 room gone; 4008 (too slow)
      // and everything else: reconnect for a fresh snapshot.
      if (ev.code === 4401 || ev.code === 4403 || ev.code === 4404 || ev.code === 4410) {
        this.onFatal(ev.code === 4404 || ev.code === 4410 ? 'room_gone' : 'unauthorized');
        return;
      }
      this.onConnection('reconnecting');
      this.retryTimer = setTimeout(() => this.#connect(), this.backoff.nextDelayMs());
    };
  }
}
