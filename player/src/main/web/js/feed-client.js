// The WebSocket feed connection: opens the socket, runs the message state machine, hands media to the
// player, and reconnects by itself with backoff. Main thread only; the socket itself may live in the feed Worker
// (lib/feed-worker.js: a WebSocket-shaped stand-in from openSocket).
import { FeedParser, FeedProtocolError } from './lib/feed.js';
import { Backoff } from './lib/backoff.js';
import { wallNowMs } from './mse-player.js';

/** Close codes of docs/protocol.md. */
export const FeedClose = Object.freeze({ BAD_TOKEN: 4403, UNKNOWN_STREAM: 4404, TOO_SLOW: 4008, GOING_AWAY: 1001 });

/**
 * Whether LL-HLS may play where the feed gave up with this close code: not for a refused media token (the playlist
 * and every segment check the same token, so hls.js would be refused and retry every 2 s for as long as the page is
 * open) nor for an unknown stream.
 */
export const hlsMayHelp = (code) => code !== FeedClose.BAD_TOKEN && code !== FeedClose.UNKNOWN_STREAM;

/** With nothing at all for this long while live, the socket is presumed dead (a half-open TCP link). */
const SILENCE_TIMEOUT_MS = 8000;

/**
 * States reported through onState: 'connecting', 'waiting' (no publisher), 'live', 'ended' (publisher
 * gone, socket open), 'reconnecting', 'failed' (gave up: bad token, unknown stream, or never connected).
 */
export class FeedClient {
  /**
   * @param {() => Promise<string>|string} urlProvider gives the feed URL (with a fresh token) per attempt; an error
   *     it throws with {@code permanent: true} ends the feed (onFatal with that error) instead of retrying
   * @param {object} player MsePlayer-like sink: onHeader, onInit, onFragment, onEnded, reset
   * @param {{onState?: Function, onFatal?: Function, onHeader?: Function, log?: Console, maxFailedConnects?: number,
   *     early?: {ws: WebSocket, url: string, opened: boolean, messages: {data, receivedAtMs}[], closed: ?{code, reason}}}} options
   *     early: a socket the page opened before this client existed (lib/early-feed.js), used for the first connect
   * @param {(url: string) => WebSocket} [options.openSocket] opens each socket (the feed Worker's, or the page's)
   */
  constructor(urlProvider, player, { onState = () => {}, onFatal = () => {}, onHeader = () => {}, log = console, maxFailedConnects = 3, early = null,
    openSocket = (url) => new WebSocket(url) } = {}) {
    Object.assign(this, { urlProvider, player, onState, onFatal, onHeader, log, maxFailedConnects, early, openSocket });
    this.backoff = new Backoff();
    this.socket = null;
    this.stopped = false;
    this.failedConnects = 0;
    this.everOpened = false;
    this.reconnects = 0;
    /** Sockets this client used (the early one included) and 4403s it asked the room controller about (for stats). */
    this.sockets = 0;
    this.tokenRenewals = 0;
  }

  async start() {
    this.stopped = false;
    await this.#connect(false);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.silenceTimer);
    if (this.socket) { this.socket.onclose = null; this.socket.close(1000, 'bye'); this.socket = null; }
  }

  /** Drop the socket and open a new one now (the server restarts us at the latest keyframe). */
  restart(reason) {
    this.log.info(`feed: restarting (${reason})`);
    if (this.socket) { this.socket.onclose = null; this.socket.close(4000, reason); this.socket = null; }
    this.player.reset();
    this.#connect(true);
  }

  async #connect(isRetry) {
    if (this.stopped) return;
    this.onState(isRetry ? 'reconnecting' : 'connecting');
    if (this.early) { // the socket opened while the page loaded: what it got so far, then its events as they come
      const early = this.early;
      this.early = null;
      this.sockets++;
      this.#attach(early.ws, early.url);
      if (early.opened) early.ws.onopen();
      for (const m of early.messages) early.ws.onmessage({ data: m.data }, m.receivedAtMs);
      if (early.closed) early.ws.onclose(early.closed);
      return;
    }
    let url;
    try {
      url = await this.urlProvider();
    } catch (e) {
      if (e && e.permanent) {
        // The provider knows retrying cannot help (the member's session is over: a revoked token).
        this.log.warn(`feed: no fresh media token (${e.message}), giving up`);
        this.onState('failed');
        this.onFatal({ code: FeedClose.BAD_TOKEN, reason: e.message, error: e });
        return;
      }
      this.log.warn(`feed: no URL: ${e.message}`);
      this.#scheduleRetry();
      return;
    }
    if (this.stopped) return;
    const ws = this.openSocket(url);
    this.sockets++;
    ws.binaryType = 'arraybuffer';
    this.#attach(ws, url);
  }

  #attach(ws, url) {
    this.socket = ws;
    const parser = new FeedParser();
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.everOpened = true;
      this.failedConnects = 0;
      this.backoff.connected(performance.now());
      this.lastMessageAtMs = performance.now();
      clearInterval(this.silenceTimer);
      this.silenceTimer = setInterval(() => {
        if (parser.state === 'live' && performance.now() - this.lastMessageAtMs > SILENCE_TIMEOUT_MS) {
          this.log.warn('feed: silent socket, reconnecting');
          ws.close(4001, 'silent');
        }
      }, 1000);
    };
    ws.onmessage = (ev, receivedAtMs = wallNowMs()) => {
      this.lastMessageAtMs = performance.now();
      // The server sent something, so it accepted the token: a later 4403 (the token expired or was revoked) may
      // again ask for a fresh one. A refused token closes before any message, so this cannot loop.
      this.retriedToken = false;
      if (typeof ev.data === 'string') this.log.debug?.(`feed: ${ev.data}`);
      let out;
      try {
        out = parser.accept(typeof ev.data === 'string' ? ev.data : new Uint8Array(ev.data));
      } catch (e) {
        this.log.error(`feed: protocol error from ${url.replace(/token=[^&]*/, 'token=…')}: ${e.message}`);
        ws.close(4000, 'protocol error');
        return;
      }
      try {
        switch (out.kind) {
          case 'waiting': this.onState('waiting'); break;
          case 'header': this.player.onHeader(out.header); this.onHeader(out.header); break;
          case 'init':
            this.log.debug?.(`feed: init ${out.data.byteLength} B + ${out.fragments ? out.fragments.byteLength : 0} B since the keyframe`);
            this.player.onInit(out.data);
            this.onState('live');
            // Fragments in the init segment's own message (docs/protocol.md allows it; this server sends them next).
            // audioDecoded: the feed Worker took this message's sound to its audio decoder already.
            if (out.fragments) this.player.onFragment(out.fragments, receivedAtMs, !!ev.audioDecoded);
            break;
          case 'fragment': this.player.onFragment(out.data, receivedAtMs, !!ev.audioDecoded); break;
          case 'ended': this.player.onEnded(); this.onState('ended'); break;
          default: break;
        }
      } catch (e) {
        if (e instanceof FeedProtocolError || e.name === 'Mp4Error') {
          this.log.error(`feed: bad media: ${e.message}`);
          ws.close(4000, 'bad media');
        } else {
          throw e;
        }
      }
    };
    ws.onclose = (ev) => {
      clearInterval(this.silenceTimer);
      if (this.socket !== ws) return;
      this.socket = null;
      this.backoff.disconnected(performance.now());
      if (this.stopped) return;
      if (ev.code === FeedClose.BAD_TOKEN || ev.code === FeedClose.UNKNOWN_STREAM) {
        // A token can be renewed: the URL provider asks the room controller again, once.
        if (ev.code === FeedClose.BAD_TOKEN && !this.retriedToken) {
          this.retriedToken = true;
          this.tokenRenewals++;
          this.log.info(`feed: closed ${ev.code} (${ev.reason || 'no reason'}), asking the room controller for a fresh media token (renewal ${this.tokenRenewals})`);
          this.#scheduleRetry();
          return;
        }
        this.log.warn(`feed: closed ${ev.code} (${ev.reason || 'no reason'}), giving up`);
        this.onState('failed');
        this.onFatal({ code: ev.code, reason: ev.reason });
        return;
      }
      this.retriedToken = false;
      if (!opened) this.failedConnects++;
      if (!this.everOpened && this.failedConnects >= this.maxFailedConnects) {
        this.onState('failed');
        this.onFatal({ code: ev.code, reason: 'the feed could not be reached' });
        return;
      }
      if (ev.code === FeedClose.TOO_SLOW) this.player.reset();
      this.#scheduleRetry(ev.code === FeedClose.TOO_SLOW ? 0 : undefined);
    };
  }

  #scheduleRetry(delayMs = this.backoff.nextDelayMs()) {
    this.reconnects++;
    this.onState('reconnecting');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.#connect(true), delayMs);
  }
}
