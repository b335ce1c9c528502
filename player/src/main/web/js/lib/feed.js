// The WebSocket feed's message sequence (docs/protocol.md) as a state machine: text JSON messages
// (waiting, header, ended) and binary ISO-BMFF messages (right after each header the init segment, with the
// fragments since the latest keyframe in the same message, then fragments). It turns messages into events for
// the player and rejects out-of-order input with a clear error instead of feeding MediaSource garbage. Pure logic,
// no DOM.
import { splitInitMessage } from './mp4.js';

export const FeedState = Object.freeze({
  CONNECTING: 'connecting', // socket open, nothing received yet
  WAITING: 'waiting', // server says no publisher is live
  EXPECT_INIT: 'expect-init', // header received, init segment next
  LIVE: 'live', // fragments flowing
  ENDED: 'ended', // publisher left; a new header may follow
  BAD: 'bad', // protocol violation: the caller drops the socket and reconnects
});

export class FeedProtocolError extends Error {
  constructor(message) { super(message); this.name = 'FeedProtocolError'; }
}

function validateHeader(h) {
  const problems = [];
  if (typeof h.mimeType !== 'string' || !h.mimeType.startsWith('video/mp4')) problems.push('mimeType');
  if (!Number.isInteger(h.generation)) problems.push('generation');
  if (h.width !== undefined && !(h.width > 0)) problems.push('width');
  if (h.height !== undefined && !(h.height > 0)) problems.push('height');
  if (problems.length) throw new FeedProtocolError(`header with bad ${problems.join(', ')}`);
  return {
    streamId: h.streamId,
    mimeType: h.mimeType,
    codecs: typeof h.codecs === 'string' ? h.codecs : '',
    width: h.width || 0,
    height: h.height || 0,
    frameRate: h.frameRate || 0,
    hasVideo: h.hasVideo !== false,
    hasAudio: h.hasAudio === true,
    generation: h.generation,
  };
}

/** One instance per socket. */
export class FeedParser {
  constructor() {
    this.state = FeedState.CONNECTING;
    this.header = null;
  }

  /**
   * @param {string|Uint8Array} message
   * @returns {{kind:'waiting'}|{kind:'header',header:object}|{kind:'init',data:Uint8Array,fragments:?Uint8Array}|
   *           {kind:'fragment',data:Uint8Array}|{kind:'ended'}|{kind:'ignored',type:string}}
   * @throws FeedProtocolError (and the parser stays BAD)
   */
  accept(message) {
    if (this.state === FeedState.BAD) throw new FeedProtocolError('feed already failed');
    try {
      return typeof message === 'string' ? this.#text(message) : this.#binary(message);
    } catch (e) {
      this.state = FeedState.BAD;
      throw e instanceof FeedProtocolError ? e : new FeedProtocolError(e.message);
    }
  }

  #text(text) {
    let msg;
    try { msg = JSON.parse(text); } catch { throw new FeedProtocolError('text message is not JSON'); }
    if (!msg || typeof msg.type !== 'string') throw new FeedProtocolError('text message without type');
    switch (msg.type) {
      case 'waiting':
        this.state = FeedState.WAITING;
        return { kind: 'waiting' };
      case 'header':
        this.header = validateHeader(msg);
        this.state = FeedState.EXPECT_INIT;
        return { kind: 'header', header: this.header };
      case 'ended':
        this.state = FeedState.ENDED;
        return { kind: 'ended' };
      default:
        return { kind: 'ignored', type: msg.type }; // newer servers may add message types
    }
  }

  #binary(data) {
    if (this.state === FeedState.EXPECT_INIT) {
      this.state = FeedState.LIVE;
      let split;
      try {
        split = splitInitMessage(data);
      } catch {
        split = { init: data, fragments: null }; // not boxes: the player's init reader says what is wrong
      }
      return { kind: 'init', data: split.init, fragments: split.fragments };
    }
    if (this.state === FeedState.LIVE) return { kind: 'fragment', data };
    throw new FeedProtocolError(`binary message while ${this.state}`);
  }
}
