// The room's event socket (WS /rooms/{id}/events?token=): members, who holds control, pending requests,
// stream live/ended. Reconnects by itself; every message is normalised into one RoomState shape so the
// page does not depend on which message carried what.
import { Backoff } from './lib/backoff.js';
import { wsUrl } from './api.js';

/** @typedef {{members: Array<{memberId:string,name:string,admin?:boolean}>, controlHolder: ?string, pending: string[], streamLive: ?boolean, gone?: boolean}} RoomState */

/** Folds one event into the state (pure; exported for tests). */
export function applyRoomEvent(state, ev) {
  const next = { ...state };
  const room = ev.room && typeof ev.room === 'object' ? ev.room : ev;
  if (Array.isArray(room.members)) {
    next.members = room.members.map((m) => (typeof m === 'string' ? { memberId: m, name: m } : { memberId: m.memberId ?? m.id, name: m.name ?? m.memberId ?? m.id, admin: !!m.admin }));
  }
  const control = room.control && typeof room.control === 'object' ? room.control : room;
  if ('controlHolder' in control || 'holder' in control) {
    const h = control.controlHolder ?? control.holder;
    next.controlHolder = h && typeof h === 'object' ? (h.memberId ?? h.id) : (h || null);
  }
  const pend = control.pendingRequests ?? control.pending ?? control.requests;
  if (Array.isArray(pend)) next.pending = pend.map((p) => (typeof p === 'object' ? (p.memberId ?? p.id) : p));
  const stream = room.stream && typeof room.stream === 'object' ? room.stream : null;
  if (stream && 'live' in stream) next.streamLive = !!stream.live;
  else if (typeof room.streamLive === 'boolean') next.streamLive = room.streamLive;
  else if (typeof room.state === 'string' && /live|ended|waiting|idle/.test(room.state)) next.streamLive = room.state === 'live';
  if (ev.type === 'stream' || ev.type === 'stream-live' || ev.type === 'stream-ended') {
    if (typeof ev.live === 'boolean') next.streamLive = ev.live;
    if (ev.type === 'stream-live') next.streamLive = true;
    if (ev.type === 'stream-ended') next.streamLive = false;
  }
  if (ev.type === 'deleted' || ev.type === 'room-deleted' || ev.type === 'closed') next.gone = true;
  if (ev.type === 'kicked' || ev.type === 'removed') next.removed = true;
  return next;
}

export const EMPTY_ROOM_STATE = Object.freeze({ members: [], controlHolder: null, pending: [], streamLive: null });

export class RoomEvents {
  constructor(roomId, tokenProvider, { onState = () => {}, onConnection = () => {}, onFatal = () => {}, log = console } = {}) {
    Object.assign(this, { roomId, tokenProvider, onState, onConnection, onFatal, log });
    this.state = { ...EMPTY_ROOM_STATE };
    this.backoff = new Backoff({ initialMs: 500, maxMs: 10_000 });
    this.stopped = false;
  }

  start() { this.#connect(); }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    if (this.ws) { this.ws.onclose = null; this.ws.close(1000); }
  }

  #connect() {
    if (this.stopped) return;
    const ws = new WebSocket(wsUrl(`/rooms/${encodeURIComponent(this.roomId)}/events?token=${encodeURIComponent(this.tokenProvider())}`));
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
      if (ev.code === 4401 || ev.code === 4403 || ev.code === 4404 || ev.code === 4410) {
        this.onFatal(ev.code === 4404 || ev.code === 4410 ? 'room_gone' : 'unauthorized');
        return;
      }
      this.onConnection('reconnecting');
      this.retryTimer = setTimeout(() => this.#connect(), this.backoff.nextDelayMs());
    };
  }
}
