// The feed socket in a dedicated Worker (docs/player.md "Sound", the feed Worker): the Worker owns the WebSocket
// and forwards every message to the page (the ArrayBuffer transferred, not copied), and with sound on it takes the
// AAC frames out of each message itself and decodes them straight to the AudioWorklet's port, so the page's thread
// (video decoder callbacks, the picture pump, layout) is no longer between the socket and the sound. On the page,
// a WebSocket-shaped WorkerSocket stands in for the socket, so FeedClient (protocol, reconnect, close codes) and
// both players do not know where the socket lives. Both sides here, with the browser parts injected (node tests).

import { FeedParser } from './feed.js';
import { readDecoderConfigs, readSamples, splitChunks } from './mp4.js';

/**
 * What the Worker lets pile up: messages posted to the page and not yet taken (a stalled page must not grow the
 * queue between the threads). Past either bound the Worker closes the socket and tells the page 4008 (too slow),
 * as the media server does with a slow viewer: the page starts again at the latest keyframe. The page says what
 * it took every takenEvery messages.
 */
export const FEED_WORKER_BOUNDS = Object.freeze({ maxUntakenMessages: 300, maxUntakenBytes: 16 * 1024 * 1024, takenEvery: 10 });

/** Close code the page sees when the Worker dropped its socket for it (docs/protocol.md: too slow). */
export const PAGE_TOO_SLOW = 4008;

/**
 * The Worker side. post(msg, transfer) goes to the page; audio is the Worker's AudioDecodeCore (lib/audio-decode.js).
 * In from the page: {type:'open', id, url}, {type:'close', id, code, reason}, {type:'taken', id, n, bytes},
 * {type:'audio', on} (take the sound out of the messages), and the AudioDecodeCore's own messages.
 * Out: {type:'ready'}, {type:'ws-open'|'ws-error', id}, {type:'ws-message', id, data, receivedAtMs, audioDecoded},
 * {type:'ws-close', id, code, reason, wasClean}, {type:'audio-taken', n, dropped} (every 50 AAC frames), and the
 * AudioDecodeCore's.
 */
export class FeedWorkerCore {
  constructor({ WebSocketCtor, post, audio = null, nowMs, bounds = FEED_WORKER_BOUNDS }) {
    Object.assign(this, { WebSocketCtor, post, audio, nowMs, bounds });
    this.sockets = new Map(); // id -> {ws, parser, audioTrackId, audioTimescale, postedN, postedBytes, takenN, takenBytes}
    this.audioOn = false;
    this.overflows = 0;
    this.audioTaken = 0; // AAC frames taken out of the socket's messages
    this.audioReported = 0;
  }

  handle(m) {
    switch (m.type) {
      case 'open': this.#open(m.id, m.url); break;
      case 'close': this.#close(m.id, m.code, m.reason); break;
      case 'taken': this.#taken(m); break;
      case 'audio': this.audioOn = !!m.on; break;
      default: if (this.audio) this.audio.handle(m);
    }
  }

  #open(id, url) {
    let ws;
    try {
      ws = new this.WebSocketCtor(url);
    } catch (e) { // a bad URL: the page sees what a failed socket gives
      this.post({ type: 'ws-error', id });
      this.post({ type: 'ws-close', id, code: 1006, reason: e.message, wasClean: false });
      return;
    }
    ws.binaryType = 'arraybuffer';
    const s = { ws, parser: new FeedParser(), audioTrackId: null, audioTimescale: 0, postedN: 0, postedBytes: 0, takenN: 0, takenBytes: 0 };
    this.sockets.set(id, s);
    ws.onopen = () => this.post({ type: 'ws-open', id });
    ws.onerror = () => this.post({ type: 'ws-error', id });
    ws.onclose = (ev) => {
      if (this.sockets.get(id) !== s) return;
      this.sockets.delete(id);
      this.post({ type: 'ws-close', id, code: ev.code, reason: ev.reason, wasClean: ev.wasClean });
    };
    ws.onmessage = (ev) => this.#message(id, s, ev.data);
  }

  #message(id, s, data) {
    const receivedAtMs = this.nowMs();
    const binary = typeof data !== 'string';
    const size = binary ? data.byteLength : data.length;
    if (s.postedN - s.takenN >= this.bounds.maxUntakenMessages || s.postedBytes - s.takenBytes + size > this.bounds.maxUntakenBytes) {
      this.overflows++;
      this.#drop(id, s, PAGE_TOO_SLOW, `page took no messages (${s.postedN - s.takenN} waiting)`);
      return;
    }
    const audioDecoded = this.#takeAudio(s, data);
    s.postedN++;
    s.postedBytes += size;
    this.post({ type: 'ws-message', id, data, receivedAtMs, audioDecoded }, binary ? [data] : []);
  }

  /**
   * Follows the feed's message sequence (the page's FeedParser does the same) to know which binary message is the
   * init segment (the audio track's id and timescale) and which are fragments, and with sound on decodes the audio
   * samples of each. True when the Worker took the message's audio (the page then skips it). Before the buffer is
   * transferred: EncodedAudioChunk copies the bytes.
   */
  #takeAudio(s, data) {
    let out;
    try {
      out = s.parser.accept(typeof data === 'string' ? data : new Uint8Array(data));
    } catch {
      return false; // the page's parser finds the same error and closes the socket
    }
    try {
      if (out.kind === 'init') {
        const a = readDecoderConfigs(out.data).find((c) => c.kind === 'audio');
        s.audioTrackId = a ? a.trackId : null;
        s.audioTimescale = a ? a.timescale : 0;
        return out.fragments ? this.#decodeAudioOf(s, out.fragments) : false;
      }
      if (out.kind === 'fragment') return this.#decodeAudioOf(s, out.data);
    } catch {
      return false; // bad boxes: the page's player says what is wrong and decodes what it can itself
    }
    return false;
  }

  #decodeAudioOf(s, u8) {
    if (!this.audioOn || !this.audio || !this.audio.ready || s.audioTrackId === null || !(s.audioTimescale > 0)) return false;
    const samples = [];
    for (const chunk of splitChunks(u8)) {
      for (const x of readSamples(chunk).samples) if (x.trackId === s.audioTrackId) samples.push(x);
    }
    for (const x of samples) {
      this.audio.decodeSample({ timestampUs: Math.round((x.ptsTicks * 1e6) / s.audioTimescale),
        durationUs: Math.round((x.durationTicks * 1e6) / s.audioTimescale), data: x.data });
    }
    this.audioTaken += samples.length;
    if (this.audioTaken - this.audioReported >= 50) { // for the page's stats
      this.audioReported = this.audioTaken;
      this.post({ type: 'audio-taken', n: this.audioTaken, dropped: this.audio.dropped });
    }
    return true;
  }

  #taken({ id, n, bytes }) {
    const s = this.sockets.get(id);
    if (!s) return;
    if (n > s.takenN && n <= s.postedN) s.takenN = n;
    if (bytes > s.takenBytes && bytes <= s.postedBytes) s.takenBytes = bytes;
  }

  #close(id, code, reason) {
    const s = this.sockets.get(id);
    if (s) s.ws.close(code, reason); // its close event tells the page
  }

  /** Closes the socket and tells the page at once (its own close event would carry the server's echo). */
  #drop(id, s, code, reason) {
    this.sockets.delete(id);
    s.ws.onopen = s.ws.onmessage = s.ws.onerror = s.ws.onclose = null;
    try { s.ws.close(4000, reason.slice(0, 100)); } catch { /* already closing */ }
    this.post({ type: 'ws-close', id, code, reason, wasClean: false });
  }
}

/**
 * The page side: one Worker for the page's feed sockets. start() gives null where there is no Worker or it cannot
 * be made (the page opens its sockets itself); a Worker that fails later (an error event: it did not load, or
 * threw) is terminated, its sockets close with 1006 and socket() is not offered again: FeedClient reconnects and
 * its socket factory then opens a page socket.
 */
export class FeedWorkerHub {
  static start(url, { WorkerCtor = globalThis.Worker, log = console, bounds = FEED_WORKER_BOUNDS } = {}) {
    if (typeof WorkerCtor !== 'function') return null;
    try {
      return new FeedWorkerHub(new WorkerCtor(url, { name: 'feed' }), { log, bounds });
    } catch (e) {
      log.warn(`feed: no feed Worker (${e.message}), the page opens the feed socket`);
      return null;
    }
  }

  constructor(worker, { log = console, bounds = FEED_WORKER_BOUNDS } = {}) {
    Object.assign(this, { worker, log, bounds });
    this.sockets = new Map(); // id -> WorkerSocket
    this.nextId = 1;
    this.failed = false;
    this.ready = false;
    this.onMessage = (ev) => this.#route(ev.data);
    this.onError = (ev) => this.fail(ev && ev.message ? ev.message : 'no detail');
    worker.addEventListener('message', this.onMessage);
    worker.addEventListener('error', this.onError);
  }

  /** A WebSocket-shaped socket opened by the Worker. */
  socket(url) {
    const s = new WorkerSocket(this, this.nextId++, url);
    this.sockets.set(s.id, s);
    this.worker.postMessage({ type: 'open', id: s.id, url });
    return s;
  }

  post(m) { if (!this.failed) this.worker.postMessage(m); }

  #route(m) {
    if (!m || typeof m.type !== 'string') return;
    if (m.type === 'ready') { this.ready = true; return; }
    if (!m.type.startsWith('ws-')) return; // the audio decoder's messages: the player listens to those
    const s = this.sockets.get(m.id);
    if (!s) return;
    if (m.type === 'ws-close') this.sockets.delete(m.id);
    s.deliver(m);
  }

  fail(why) {
    if (this.failed) return;
    this.failed = true;
    this.log.warn(`feed: the feed Worker failed (${why}), the page opens the feed socket`);
    this.worker.removeEventListener('message', this.onMessage);
    this.worker.terminate();
    const open = [...this.sockets.values()];
    this.sockets.clear();
    for (const s of open) s.deliver({ type: 'ws-close', code: 1006, reason: 'feed worker failed', wasClean: false });
  }
}

/** Stands in for a WebSocket (readyState, binaryType, onopen/onmessage/onclose/onerror, close, send) on the page. */
export class WorkerSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;

  constructor(hub, id, url) {
    Object.assign(this, { hub, id, url });
    this.readyState = WorkerSocket.CONNECTING;
    this.binaryType = 'arraybuffer'; // what the Worker's socket uses; the feed sets the same
    this.onopen = this.onmessage = this.onclose = this.onerror = null;
    this.takenN = 0;
    this.takenBytes = 0;
  }

  close(code, reason) {
    if (this.readyState >= WorkerSocket.CLOSING) return;
    this.readyState = WorkerSocket.CLOSING;
    this.hub.post({ type: 'close', id: this.id, code, reason });
  }

  /** From the hub: the Worker's socket events. A message is counted taken once its handler ran. */
  deliver(m) {
    switch (m.type) {
      case 'ws-open':
        if (this.readyState !== WorkerSocket.CONNECTING) return;
        this.readyState = WorkerSocket.OPEN;
        if (this.onopen) this.onopen({ type: 'open' });
        break;
      case 'ws-message':
        try {
          // as a WebSocket: no message events once close() was called
          if (this.readyState === WorkerSocket.OPEN && this.onmessage) this.onmessage({ data: m.data, audioDecoded: !!m.audioDecoded }, m.receivedAtMs);
        } finally {
          this.takenN++;
          this.takenBytes += typeof m.data === 'string' ? m.data.length : m.data.byteLength;
          if (this.takenN % this.hub.bounds.takenEvery === 0) this.hub.post({ type: 'taken', id: this.id, n: this.takenN, bytes: this.takenBytes });
        }
        break;
      case 'ws-error':
        if (this.onerror) this.onerror({ type: 'error' });
        break;
      case 'ws-close':
        if (this.readyState === WorkerSocket.CLOSED) return;
        this.readyState = WorkerSocket.CLOSED;
        if (this.onclose) this.onclose({ code: m.code, reason: m.reason, wasClean: !!m.wasClean });
        break;
      default: break;
    }
  }
}

/**
 * Where the page opens its feed sockets: in the feed Worker (made at the first socket) unless ?feedworker=0, the
 * browser has no Worker, or the Worker could not be made or failed (then the page's own, for the rest of its life).
 */
export class FeedSockets {
  constructor({ param = null, WorkerCtor = globalThis.Worker, WebSocketCtor = globalThis.WebSocket, workerUrl, log = console }) {
    Object.assign(this, { WorkerCtor, WebSocketCtor, workerUrl, log });
    this.wanted = param !== '0' && typeof WorkerCtor === 'function';
    this.hub = undefined; // not tried yet; null: could not be made
  }

  /** The feed Worker, made now if it was not tried yet; null where the page opens the sockets. */
  worker() {
    if (!this.wanted) return null;
    if (this.hub === undefined) this.hub = FeedWorkerHub.start(this.workerUrl, { WorkerCtor: this.WorkerCtor, log: this.log });
    return this.hub && !this.hub.failed ? this.hub : null;
  }

  /** A socket for FeedClient: the Worker's (WorkerSocket) or the page's (WebSocket). */
  open(url) {
    const hub = this.worker();
    return hub ? hub.socket(url) : new this.WebSocketCtor(url);
  }

  /** The feed Worker when this socket is one of its live ones, else null. */
  workerOf(socket) {
    return socket instanceof WorkerSocket && this.hub && !this.hub.failed && socket.hub === this.hub ? this.hub : null;
  }
}
