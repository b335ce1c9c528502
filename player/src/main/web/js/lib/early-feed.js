// The feed socket of a member already in the room, opened while the room page is still loading (docs/player.md
// "Join"): build.mjs inlines this into room.html as a classic script, so the socket opens during the HTML parse,
// not after the page's modules are fetched and run; its first messages (header, init, the GOP since the keyframe)
// wait here until room.js hands the socket to its FeedClient. Pure apart from the globals passed in.

/**
 * What is kept until room.js takes the socket: a member who stays on the join form, or a page that never starts
 * its feed, must not hold a socket or its data. Past either bound (or the hold time) the socket is closed and
 * the FeedClient opens its own.
 */
export const EARLY_FEED_BOUNDS = Object.freeze({ maxMessages: 300, maxBytes: 16 * 1024 * 1024, maxHoldMs: 10_000 });

/** The room id of a room page address (?room=<id>, or #<id>). */
export const roomIdOf = (search, hash) => new URLSearchParams(search).get('room') || decodeURIComponent((hash || '').slice(1));

/** Where a member's session in a room is kept (sessionStorage: it survives a reload, not closing the tab). */
export const sessionKey = (roomId) => `sharespace.member.${roomId}`;

/** ws(s):// URL of a feed path or URL, relative to the page (as api.js wsUrl). */
export function wsUrlOf(pathOrUrl, href) {
  const u = new URL(pathOrUrl, href);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  if (u.protocol === 'https:') u.protocol = 'wss:';
  return u.toString();
}

/**
 * Opens the feed of the member kept in storage for this page's room, or returns null (no session, no feed
 * address kept, HLS forced, ?early=0). Messages are held with their arrival time (wall clock ms) until take().
 */
export function openEarlyFeed({ href, search, hash, storage, WebSocketCtor, nowMs, setTimer = setTimeout, bounds = EARLY_FEED_BOUNDS }) {
  const params = new URLSearchParams(search);
  if (params.get('transport') === 'hls' || params.get('early') === '0') return null; // ?early=0: as before, for measurements
  const roomId = roomIdOf(search, hash);
  let member = null;
  try { member = roomId ? JSON.parse(storage.getItem(sessionKey(roomId))) : null; } catch { return null; }
  if (!member || typeof member.feedUrl !== 'string') return null;
  const ws = new WebSocketCtor(wsUrlOf(member.feedUrl, href));
  ws.binaryType = 'arraybuffer';
  const early = { roomId, feedUrl: member.feedUrl, ws, opened: false, messages: [], bytes: 0, closed: null, dropped: false, taken: false,
    openedAtMs: nowMs(), firstMessageAtMs: NaN };
  const drop = (why) => {
    if (early.taken || early.dropped) return;
    early.dropped = true;
    early.messages = [];
    ws.onopen = ws.onmessage = ws.onclose = null;
    ws.close(4000, why);
  };
  ws.onopen = () => { early.opened = true; };
  ws.onmessage = (ev) => {
    const size = typeof ev.data === 'string' ? ev.data.length : ev.data.byteLength;
    const receivedAtMs = nowMs();
    if (!early.messages.length) early.firstMessageAtMs = receivedAtMs;
    early.messages.push({ data: ev.data, receivedAtMs });
    early.bytes += size;
    if (early.messages.length > bounds.maxMessages || early.bytes > bounds.maxBytes) drop('early feed not taken');
  };
  ws.onclose = (ev) => { early.closed = { code: ev.code, reason: ev.reason }; };
  setTimer(() => drop('early feed not taken'), bounds.maxHoldMs);
  /** The socket, its held messages and close (if it closed), for the URL the page would open; null otherwise. */
  early.take = (feedUrl) => {
    if (early.taken || early.dropped) return null;
    if (feedUrl !== early.feedUrl) { drop('another feed address'); return null; }
    early.taken = true;
    ws.onopen = ws.onmessage = ws.onclose = null;
    return { ws, opened: early.opened, messages: early.messages, closed: early.closed };
  };
  early.drop = () => drop('not needed');
  return early;
}
