// The room page: the desktop's live video with sound, who is here and who holds control, the control
// button and prompt, the connection/stream state, the stats panel, the noVNC layer for the member in
// control, the drawings over the picture and the controller's pointer. Address: room.html?room=<roomId>.
import { api, ApiError, friendlyMessage, session, wsUrl } from './api.js';
import { ClockOffsetEstimator } from './lib/clock.js';
import { roomIdOf } from './lib/early-feed.js';
import { containRect } from './lib/geometry.js';
import { LIVE_EDGE_DEFAULTS } from './lib/liveedge.js';
import { MsePlayer } from './mse-player.js';
import { WebCodecsPlayer, webCodecsAvailable } from './webcodecs-player.js';
import { FeedClient, hlsMayHelp } from './feed-client.js';
import { FeedSockets } from './lib/feed-worker.js';
import { sampleServerClock } from './clock-sync.js';
import { RoomEvents, EMPTY_ROOM_STATE, applyRoomConfig, applyRoomEvent } from './room-events.js';
import { DesktopControl, preloadRfb } from './control.js';
import { AnnotationLayer, RemoteCursor, COLORS } from './annotate.js';
import { RateGate, toNormalised } from './lib/overlay.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const roomId = roomIdOf(location.search, location.hash);
/**
 * MSE layout; see docs/player.md. Default: video only while muted (the lowest delay measured here), video
 * and audio in separate SourceBuffers once the member turns sound on. ?mse=split|muxed|video fixes it.
 */
const fixedMseMode = ['split', 'muxed', 'video'].includes(params.get('mse')) ? params.get('mse') : null;
const mseModeNow = () => fixedMseMode || (video.muted ? 'video' : 'split');
/**
 * Decoder: WebCodecs where the browser has it (the lowest delay, docs/player.md "WebCodecs"), MediaSource
 * otherwise or when the stream's codecs are not decodable, LL-HLS last. ?decoder=webcodecs|mse fixes it
 * (?mse=… alone implies mse).
 */
/** The AudioContext's latencyHint (WebCodecs path): ?audiolatency=interactive|balanced|playback or seconds (0: the least the device allows). */
const audioLatencyHint = ['interactive', 'balanced', 'playback'].includes(params.get('audiolatency')) ? params.get('audiolatency')
  : (Number.isFinite(Number.parseFloat(params.get('audiolatency'))) ? Math.max(0, Number.parseFloat(params.get('audiolatency'))) : 'interactive');
const fixedDecoder = ['webcodecs', 'mse'].includes(params.get('decoder')) ? params.get('decoder') : (fixedMseMode ? 'mse' : null);
let decoderNow = fixedDecoder || (webCodecsAvailable() ? 'webcodecs' : 'mse');
const log = console;
/** Live-edge tuning for measurements: ?edge=seekAboveLagSec:0.5,nudgeRate:1.06 (names of LIVE_EDGE_DEFAULTS). */
const liveEdge = { ...LIVE_EDGE_DEFAULTS };
for (const pair of (params.get('edge') || '').split(',')) {
  const [k, v] = pair.split(':');
  if (k in liveEdge && Number.isFinite(Number(v))) liveEdge[k] = Number(v);
}

/** The feed socket room.html opened while the page loaded (lib/early-feed.js), for the first startVideo. */
const earlyFeed = window.shareSpaceEarlyFeed || null;
/**
 * The feed's sockets open in a Worker (lib/feed-worker.js; with sound on it decodes the audio there too), made when
 * first needed; the page's own sockets with ?feedworker=0, without Worker support, or once the Worker failed.
 */
const feedSockets = new FeedSockets({ param: params.get('feedworker'), workerUrl: new URL('js/feed-worker.js', document.baseURI).href, log });
const feedOnWorker = () => (feed ? feedSockets.workerOf(feed.socket) : null);
// Without a socket from the parse (a join through the form, ?early=0) the Worker starts now, while the member types
// or the room's configuration is fetched: made when the feed opens, it put the first message ~50 ms later (measured).
// With one, it starts at the sound-on click (or a reconnect), not during the join.
if (!earlyFeed && params.get('transport') !== 'hls') feedSockets.worker();
const video = $('video');
const stage = $('stage');
const clock = new ClockOffsetEstimator();
const control = new DesktopControl($('vnc-layer'), $('my-pointer'), { onStatus: (s) => { ui.vnc = s; render(); }, log });

const annot = new AnnotationLayer($('annot-layer'), (msg) => (events ? events.send(msg) : false), () => me(), { log });
const remoteCursor = new RemoteCursor($('remote-cursor'), $('remote-cursor-label'));
/** The picture's rectangle in stage coordinates (see layout). */
let pictureRect = null;

let member = roomId ? session.get(roomId) : null;
let room = null;
let player = null;
let feed = null;
let events = null;
let header = null;
const ui = { feed: 'connecting', events: 'connecting', vnc: 'off', roomState: { ...EMPTY_ROOM_STATE }, dismissed: new Set(), fatal: null, busy: false };

// ---------------------------------------------------------------- joining

function showJoin(message) {
  if (earlyFeed) earlyFeed.drop();
  $('join').hidden = false;
  $('room-ui').hidden = true;
  $('join-room').textContent = roomId;
  $('join-error').textContent = message || '';
  $('join-error').hidden = !message;
  const last = localStorage.getItem('sharespace.name');
  if (last && !$('join-name').value) $('join-name').value = last;
  ($('join-name').value ? $('join-passcode') : $('join-name')).focus();
}

$('join-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const passcode = $('join-passcode').value;
  const name = $('join-name').value.trim() || 'Guest';
  $('join-submit').disabled = true;
  try {
    const res = await api.join(roomId, passcode, name);
    localStorage.setItem('sharespace.name', name);
    member = { memberId: res.memberId, token: res.token, name, owner: !!(res.room && res.room.you && res.room.you.owner) };
    room = res.room || null;
    session.set(roomId, member);
    $('join-passcode').value = '';
    enterRoom();
  } catch (err) {
    log.warn(`join failed: ${err.code || ''} ${err.message}`);
    showJoin(friendlyMessage(err));
    $('join-error').dataset.code = err.code || 'server_down';
  } finally {
    $('join-submit').disabled = false;
  }
});

function fatal(code, text) {
  ui.fatal = { code, text: text || friendlyMessage(new ApiError(code, code)) };
  stopMedia();
  if (events) events.stop();
  control.disconnect();
  if (code === 'unauthorized') { session.clear(roomId); member = null; showJoin(ui.fatal.text); return; }
  render();
}

// ---------------------------------------------------------------- the room

/** Join breakdown (ms after page start), with the player's own marks in its stats: see DelayMeasureIT. */
const pageMarks = {};
const markOnce = (name) => { if (!(name in pageMarks)) pageMarks[name] = Math.round(performance.now()); };
/** Before this page's script: the previous page's unload, the HTML's request and response, the parse (Navigation Timing). */
function navigationMarks() {
  const n = performance.getEntriesByType ? performance.getEntriesByType('navigation')[0] : null;
  if (!n) return {};
  const r = (ms) => Math.round(ms);
  return { unloadEnd: r(n.unloadEventEnd), request: r(n.requestStart), response: r(n.responseStart), html: r(n.responseEnd), parsed: r(n.domInteractive) };
}

async function enterRoom() {
  markOnce('enter');
  $('join').hidden = true;
  $('room-ui').hidden = false;
  ui.fatal = null;
  // A reload (member already in): the feed starts at once from the feed address kept with the session, while the
  // room configuration is fetched (one round trip less before the first picture). A stale token gets 4403, and the
  // feed then asks for fresh URLs as always.
  const early = !player && !!member.feedUrl;
  if (early) {
    room = room || { urls: { feed: member.feedUrl } };
    startVideo();
  }
  try {
    room = await api.room(roomId, member.token);
  } catch (err) {
    if (err.code === 'server_down' && room) {
      log.warn('room: using the room from the join answer, server busy');
    } else if (err.code === 'server_down') {
      ui.fatal = { code: 'server_down', text: friendlyMessage(err), retry: true };
      render();
      return;
    } else {
      fatal(err.code === 'room_gone' ? 'room_gone' : 'unauthorized');
      return;
    }
  }
  room = room.room || room;
  markOnce('room');
  if (room.you) member.owner = !!room.you.owner;
  if (feedUrlOf(room) && member.feedUrl !== feedUrlOf(room)) { member.feedUrl = feedUrlOf(room); session.set(roomId, member); }
  ui.roomState = applyRoomConfig(ui.roomState, room);
  document.title = `${room.name || roomId} · Share Space`;
  events = new RoomEvents(roomId, () => member.token, {
    url: room.urls && room.urls.events,
    // Drawing and pointer messages (up to ~60 a second) change no room state: no re-render for them.
    onState: (s, msg) => { ui.roomState = s; if (msg.type === 'media-moved') onMediaMoved(msg); if (!onOverlayMessage(msg)) onRoomState(); },
    onConnection: (c) => { ui.events = c; render(); },
    onFatal: (code) => fatal(code),
    log,
  });
  events.start();
  sampleServerClock(clock).then((ok) => log.info(`clock: ${ok ? 'sampled' : 'no round-trip sample'}`));
  setInterval(() => sampleServerClock(clock), 5 * 60_000);
  if (!early || !player) startVideo();
  render();
  setTimeout(() => preloadRfb().catch((e) => log.warn(`noVNC not loaded: ${e.message}`)), 3000); // ready before anyone takes control
}

let hlsAttempts = 0;
/** Feed sockets and media token renewals of the FeedClients this page stopped (the current one's are added). */
const feedTotals = { sockets: 0, tokenRenewals: 0 };
/** LL-HLS counts its renewals too (hls-player.js); a player without them counts none. */
const hlsRenewals = () => (player && Number.isInteger(player.tokenRenewals) ? player.tokenRenewals : 0);
const feedCounts = () => ({ sockets: feedTotals.sockets + (feed ? feed.sockets : 0),
  tokenRenewals: feedTotals.tokenRenewals + (feed ? feed.tokenRenewals : 0) + hlsRenewals() });
function stopMedia() {
  hlsAttempts++;
  if (feed) { feed.stop(); feedTotals.sockets += feed.sockets; feedTotals.tokenRenewals += feed.tokenRenewals; feed = null; }
  feedTotals.tokenRenewals += hlsRenewals();
  if (player) { player.destroy(); player = null; }
}

function startVideo() {
  markOnce('feed');
  stopMedia();
  const forceHls = params.get('transport') === 'hls';
  const useWebCodecs = decoderNow === 'webcodecs' && webCodecsAvailable();
  if (!forceHls && (useWebCodecs || 'MediaSource' in window) && feedUrlOf(room)) {
    player = useWebCodecs
      ? new WebCodecsPlayer(video, { sound: !video.muted, clock, log, onEvent: onPlayerEvent, optimizeForLatency: params.get('optimize') !== '0',
        hardwareAcceleration: ['no-preference', 'prefer-hardware'].includes(params.get('hw')) ? params.get('hw') : 'prefer-software',
        audioPath: params.get('audio') === 'main' ? 'main' : 'worker', feedWorker: feedOnWorker, audioLatencyHint })
      : new MsePlayer(video, { mode: mseModeNow(), liveEdge, clock, log, onEvent: onPlayerEvent });
    const early = earlyFeed && earlyFeed.take(feedUrlOf(room));
    if (early) {
      pageMarks.earlySocket = Math.round(earlyFeed.openedAtMs - performance.timeOrigin);
      pageMarks.earlyFirstMessage = Math.round(earlyFeed.firstMessageAtMs - performance.timeOrigin);
    }
    let attempts = early ? 1 : 0; // a retry after the early socket asks for fresh URLs (its token may be stale)
    feed = new FeedClient(async () => {
      if (attempts++ > 0) {
        try {
          await freshUrls();
        } catch (e) {
          // 4403 then no room configuration: the media token was revoked because this session ended or the room
          // was deleted (docs/protocol.md "Revoking media tokens"). Retrying cannot help.
          if (e.code === 'unauthorized' || e.code === 'room_gone') e.permanent = true;
          if (e.code !== 'server_down') throw e;
        }
      }
      return wsUrl(feedUrlOf(room));
    }, player, {
      log,
      early: early ? { ...early, url: wsUrl(feedUrlOf(room)) } : null,
      openSocket: (url) => feedSockets.open(url),
      onState: (s) => { ui.feed = s; render(); },
      onHeader: (h) => {
        header = h;
        if (player instanceof MsePlayer && !MediaSource.isTypeSupported(h.mimeType)) { log.warn(`player: ${h.mimeType} not playable through MSE, falling back to HLS`); startHls(); return; }
        layout();
        render();
      },
      onFatal: ({ code, reason, error }) => {
        if (code === 4404) { ui.feed = 'no-stream'; render(); return; }
        if (sessionEndedBy(error)) return;
        if (!hlsMayHelp(code)) {
          // A fresh token was refused too (the servers disagree on the secret or the clock, or it expired at once).
          log.warn(`feed: media token refused (${code} ${reason}), not trying LL-HLS with the same token`);
          ui.feed = 'refused';
          render();
          return;
        }
        log.warn(`feed: giving up on the WebSocket (${code} ${reason}), trying LL-HLS`);
        startHls();
      },
    });
    feed.start();
  } else {
    startHls();
  }
}

/** The room's stream moved to another media server (its own went down): play from this member's new URLs. */
function onMediaMoved(msg) {
  if (!msg.urls || !feedUrlOf(msg)) return;
  log.info(`media: the stream moved to media server ${msg.mediaServer}`);
  room = { ...room, urls: { ...room.urls, ...msg.urls } };
  member.feedUrl = feedUrlOf(room);
  session.set(roomId, member);
  startVideo();
}

/** A media token was refused: the room configuration again, with fresh feed and playlist URLs (docs/protocol.md). */
async function freshUrls() {
  const r = await api.room(roomId, member.token); room = r.room || r;
  if (feedUrlOf(room)) { member.feedUrl = feedUrlOf(room); session.set(roomId, member); }
}

/** The room controller refused fresh URLs because the room or this member's session is gone: says so; true then. */
function sessionEndedBy(error) {
  if (error && error.code === 'room_gone') { fatal('room_gone'); return true; }
  if (error && error.code === 'unauthorized') {
    fatal('unauthorized', 'You are no longer in this room (you left, were removed, or your session ended). Join again to watch.');
    return true;
  }
  return false;
}

/** GetConfiguration carries urls.feed / urls.playlist (docs/room-api.md). */
const feedUrlOf = (r) => (r.urls && r.urls.feed) || r.feedUrl;
const playlistUrlOf = (r) => (r.urls && r.urls.playlist) || r.playlistUrl;

/** hls.js is loaded only when the fallback is needed (it is a large part of the page's script). */
async function startHls() {
  if (earlyFeed) earlyFeed.drop();
  stopMedia();
  const attempt = ++hlsAttempts;
  const { HlsPlayer, canPlayHls } = await import('./hls-player.js');
  if (attempt !== hlsAttempts || player) return; // something else started meanwhile
  if (!playlistUrlOf(room) || !canPlayHls(video)) { ui.feed = 'failed'; render(); return; }
  ui.feed = 'connecting';
  player = new HlsPlayer(video, new URL(playlistUrlOf(room), location.href).toString(), { clock, log, onState: (s) => { ui.feed = s; render(); },
    renewUrl: async () => { // a 403: fresh URLs, as the feed asks for them (a refusal ends the session here too)
      try {
        await freshUrls();
      } catch (e) {
        sessionEndedBy(e);
        throw e;
      }
      return new URL(playlistUrlOf(room), location.href).toString();
    } });
}

function onPlayerEvent(ev) {
  if (ev.type === 'overflow' && feed) feed.restart('append queue overflow');
  if (ev.type === 'error') { log.error(`player: ${ev.error && ev.error.message}`); if (feed) feed.restart('media error'); }
  if (ev.type === 'unsupported' && decoderNow === 'webcodecs') {
    // The decoders refuse these codecs (or this browser's WebCodecs is incomplete): MediaSource takes over.
    log.warn(`player: WebCodecs cannot decode ${ev.codecs}, falling back to MediaSource`);
    decoderNow = 'mse';
    startVideo();
    return;
  }
  if (ev.type === 'autoplay-blocked') { video.muted = true; video.play().catch(() => {}); render(); }
}

// ---------------------------------------------------------------- control

const me = () => member && member.memberId;
const nameOf = (id) => (ui.roomState.members.find((m) => m.memberId === id) || {}).name || id;

async function onRoomState() {
  const s = ui.roomState;
  if (s.gone) { fatal('room_gone'); return; }
  if (s.removed) { fatal('unauthorized', 'You were removed from this room.'); return; }
  const holding = s.controlHolder === me();
  if (holding && !control.connected && !ui.vncPending) {
    ui.vncPending = true;
    try {
      const t = await api.vncToken(roomId, member.token);
      control.connect(roomId, t.token, t.url || (room && room.urls && room.urls.vnc));
    } catch (err) {
      log.warn(`vnc token refused: ${err.message}`);
      toast(friendlyMessage(err));
    } finally {
      ui.vncPending = false;
    }
  } else if (!holding && control.connected) {
    control.disconnect();
  }
  if (!holding && cursorShown) cursorGone();
  render();
}

// ---------------------------------------------------------------- drawing and pointing (docs/player.md)

const OVERLAY_ONLY = new Set(['annotation', 'annotations-cleared', 'cursor', 'cursor-gone', 'error']);

/**
 * Drawing messages go to the annotation layer; the holder's pointer is shown to everyone else. Returns true
 * for messages that concern only the overlay.
 */
function onOverlayMessage(msg) {
  if (!msg || !msg.type) return false;
  annot.onMessage(msg);
  const holder = ui.roomState.controlHolder;
  if (msg.type === 'cursor') {
    // A position can race a change of control: draw only the holder we know of, never our own.
    if (msg.memberId === holder && msg.memberId !== me() && Number.isFinite(msg.x) && Number.isFinite(msg.y)) {
      remoteCursor.show(msg.memberId, msg.name, msg.x, msg.y, pictureRect);
    }
  } else if (msg.type === 'cursor-gone') {
    remoteCursor.hide(msg.memberId);
  } else if (msg.type === 'snapshot' || msg.type === 'control' || msg.type === 'member-left') {
    if (remoteCursor.memberId && remoteCursor.memberId !== holder) remoteCursor.hide();
  } else if (msg.type === 'error') {
    log.warn(`events: ${msg.ref || ''} refused: ${msg.error} ${msg.message}`);
    if (msg.ref !== 'cursor') toast(msg.message || msg.error);
  }
  return OVERLAY_ONLY.has(msg.type);
}

function setDrawing(on) {
  annot.setDrawing(on);
  $('annot-bar').hidden = !on;
  $('draw-btn').setAttribute('aria-pressed', String(!!on));
  if (on && document.activeElement && document.activeElement !== document.body) document.activeElement.blur(); // keys to the page, not noVNC
  if (!on && ui.roomState.controlHolder === me()) control.focus();
  renderTools();
}

function setTool(tool) { annot.tool = tool; renderTools(); }

function renderTools() {
  for (const b of document.querySelectorAll('#annot-bar [data-tool]')) b.setAttribute('aria-pressed', String(b.dataset.tool === annot.tool));
  for (const b of document.querySelectorAll('#annot-colors button')) b.setAttribute('aria-pressed', String(b.dataset.color === annot.color));
  $('annot-clear-all').hidden = !((member && member.owner) || ui.roomState.controlHolder === me());
}

$('annot-colors').replaceChildren(...COLORS.map((c) => {
  const b = document.createElement('button');
  b.dataset.color = c;
  b.style.background = c;
  b.title = `Colour ${c}`;
  b.addEventListener('click', () => { annot.color = c; renderTools(); });
  return b;
}));
for (const b of document.querySelectorAll('#annot-bar [data-tool]')) b.addEventListener('click', () => setTool(b.dataset.tool));
$('draw-btn').addEventListener('click', () => setDrawing(!annot.drawing));
$('annot-done').addEventListener('click', () => setDrawing(false));
$('annot-clear-mine').addEventListener('click', () => { if (!annot.clearMine()) toast('Not connected: try again in a moment.'); });
$('annot-clear-all').addEventListener('click', () => { if (!annot.clearAll()) toast('Not connected: try again in a moment.'); });

// The holder's pointer goes to the others at most every 20 ms (~50 Hz), one position per animation frame.
// Listened to in the capture phase on the stage, so noVNC (which stops its events) cannot hide it.
const cursorGate = new RateGate(20);
let cursorLatest = null;
let cursorFrame = 0;
let cursorShown = false;
function cursorTick(nowMs) {
  cursorFrame = 0;
  if (!cursorLatest || !events) return;
  const next = cursorGate.offer(cursorLatest, nowMs);
  if (next) {
    events.send({ type: 'cursor', x: next.x, y: next.y });
    cursorShown = true;
  } else {
    cursorFrame = requestAnimationFrame(cursorTick); // held back: the latest goes at the next chance
  }
}
function cursorGone() {
  cursorLatest = null;
  cursorGate.drop();
  if (cursorFrame) { cancelAnimationFrame(cursorFrame); cursorFrame = 0; }
  if (cursorShown && events) events.send({ type: 'cursor-gone' });
  cursorShown = false;
}
stage.addEventListener('pointermove', (e) => {
  if (ui.roomState.controlHolder !== me() || !events) { if (cursorShown) cursorGone(); return; }
  const r = $('vnc-layer').getBoundingClientRect();
  const n = toNormalised(e.clientX, e.clientY, { x: r.left, y: r.top, width: r.width, height: r.height });
  if (!n.inside) { if (cursorShown) cursorGone(); return; }
  cursorLatest = { x: n.x, y: n.y };
  if (!cursorFrame) cursorFrame = requestAnimationFrame(cursorTick);
}, { capture: true });
stage.addEventListener('pointerleave', () => cursorGone());

async function controlAction(action, body) {
  ui.busy = true;
  render();
  try {
    const res = await api.control(roomId, member.token, action, body);
    if (res && typeof res === 'object') {
      ui.roomState = applyRoomEvent(ui.roomState, res); // {holder, pending}
      await onRoomState();
    }
  } catch (err) {
    toast(friendlyMessage(err));
    if (err.code === 'unauthorized') fatal('unauthorized');
  } finally {
    ui.busy = false;
    render();
  }
}

$('control-btn').addEventListener('click', () => {
  const s = ui.roomState;
  if (s.controlHolder === me()) controlAction('release');
  else controlAction('request');
});
$('give-btn').addEventListener('click', () => {
  const who = $('control-prompt').dataset.memberId;
  controlAction('give', { memberId: who });
});
$('keep-btn').addEventListener('click', () => {
  ui.dismissed.add($('control-prompt').dataset.memberId);
  render();
});
$('take-btn').addEventListener('click', () => controlAction('take'));
$('clipboard-send').addEventListener('click', () => {
  control.sendClipboard($('clipboard-text').value);
  toast('Sent to the desktop clipboard: paste there with Ctrl+V.');
  control.focus();
});

// ---------------------------------------------------------------- sound, fullscreen, stats, layout

$('unmute-btn').addEventListener('click', () => {
  video.muted = !video.muted;
  if (!video.muted) video.play().catch(() => {});
  // Sound on: the audio track joins (a fresh MediaSource from the next keyframe). Muting again keeps it, so
  // toggling does not restart the video each time.
  // WebCodecs: the sound starts or stops inside this click (AudioContext needs the gesture), no restart, unless the
  // feed still runs on the socket the page opened while loading (the join's, lib/early-feed.js): then it moves to
  // the feed Worker (a restart at the latest keyframe), which takes the sound out of the socket's messages itself.
  if (player instanceof WebCodecsPlayer && !video.muted && feed && feed.socket && !feedOnWorker() && params.get('audio') !== 'main' && feedSockets.worker()) {
    feed.restart('sound on: the feed socket moves to its Worker');
  }
  if (player instanceof WebCodecsPlayer) player.setSound(!video.muted);
  if (!video.muted && player instanceof MsePlayer && player.mode === 'video' && !fixedMseMode && feed) {
    player.mode = 'split';
    feed.restart('sound on');
  }
  render();
});
video.addEventListener('volumechange', () => render());
$('fullscreen-btn').addEventListener('click', toggleFullscreen);
$('stats-btn').addEventListener('click', toggleStats);
$('leave-btn').addEventListener('click', async () => {
  control.disconnect();
  try { await api.leave(roomId, member.token); } catch (e) { log.warn(`leave: ${e.message}`); }
  session.clear(roomId);
  location.href = './';
});
$('retry-btn').addEventListener('click', () => enterRoom());

function toggleFullscreen() {
  if (document.fullscreenElement) document.exitFullscreen();
  else stage.requestFullscreen().catch(() => {});
}
function toggleStats() { $('stats').hidden = !$('stats').hidden; renderStats(); }

document.addEventListener('keydown', (e) => {
  // While in control noVNC has the keyboard focus and stops the events it sends to the desktop.
  if (e.target.closest && e.target.closest('input, textarea, #vnc-layer')) return;
  if (e.ctrlKey || e.altKey || e.metaKey) return;
  if (annot.drawing) {
    const tools = { 1: 'pen', 2: 'highlighter', 3: 'arrow' };
    if (e.key === 'Escape') { setDrawing(false); return; }
    if (e.key in tools) { setTool(tools[e.key]); return; }
    if (e.key === 'c') { annot.clearMine(); return; }
  }
  if (e.key === 'd') setDrawing(!annot.drawing);
  else if (e.key === 's') toggleStats();
  else if (e.key === 'f') toggleFullscreen();
  else if (e.key === 'm') $('unmute-btn').click();
});

function layout() {
  const w = video.videoWidth || (header && header.width) || 16;
  const h = video.videoHeight || (header && header.height) || 9;
  const r = containRect(stage.clientWidth, stage.clientHeight, w, h);
  const box = { left: `${r.x}px`, top: `${r.y}px`, width: `${r.width}px`, height: `${r.height}px` };
  Object.assign($('vnc-layer').style, box);
  Object.assign($('annot-layer').style, box); // the drawings cover exactly the same picture
  const sizeChanged = !pictureRect || pictureRect.width !== r.width || pictureRect.height !== r.height;
  pictureRect = r;
  if (sizeChanged) annot.resize(r.width, r.height, w / h);
  remoteCursor.place(r);
}
new ResizeObserver(layout).observe(stage);
video.addEventListener('resize', layout);
video.addEventListener('loadedmetadata', layout);

function fmt(n, digits = 0, unit = '') { return Number.isFinite(n) ? `${n.toFixed(digits)}${unit}` : '–'; }

function renderStats() {
  if ($('stats').hidden || !player) return;
  const s = player.stats();
  const rows = [
    ['transport', `${s.transport}${s.decoder ? ` · ${s.decoder}` : ''}${s.mode && s.mode !== 'hls' ? ` (${s.mode})` : ''}`],
    ['resolution', s.width ? `${s.width}×${s.height}` : '–'],
    ['fps', fmt(s.fps, 1)],
    ['bitrate', Number.isFinite(s.bitrateBps) ? `${(s.bitrateBps / 1e6).toFixed(2)} Mbit/s` : '–'],
    ['buffered', fmt(s.bufferedSec * 1000, 0, ' ms')],
    ['delay now', fmt(s.delayMs, 0, ' ms')],
    ['delay p50 / p95', `${fmt(s.delayP50Ms, 0)} / ${fmt(s.delayP95Ms, 0)} ms`],
    ['clock offset', `${fmt(s.clockOffsetMs, 0, ' ms')} ± ${fmt(s.clockUncertaintyMs, 0)} (${s.clockSource})`],
    ['playback rate', fmt(s.playbackRate, 2, '×')],
    ['seeks / dropped', `${s.seeks} / ${s.droppedFrames}`],
    ['feed sockets / token renewals', ((c) => `${c.sockets} / ${c.tokenRenewals}`)(feedCounts())],
  ];
  if (s.decoder === 'webcodecs' && s.audioPlaying) {
    rows.push(['a/v sync p50 / p95', `${fmt(s.avSyncP50Ms, 0)} / ${fmt(s.avSyncP95Ms, 0)} ms (+: picture behind)`]);
    rows.push(['audio buffer', `${fmt(s.audioFillMs, 0)} ms (target ${fmt(s.audioTargetMs, 0)}, underruns ${s.audioUnderruns})`]);
  }
  if (Number.isFinite(s.firstFrameMs)) rows.push(['first picture', fmt(s.firstFrameMs, 0, ' ms after page start')]);
  $('stats-body').replaceChildren(...rows.map(([k, v]) => {
    const tr = document.createElement('tr');
    const th = document.createElement('th'); th.textContent = k;
    const td = document.createElement('td'); td.textContent = v; td.dataset.stat = k;
    tr.append(th, td);
    return tr;
  }));
}
setInterval(renderStats, 500);

// ---------------------------------------------------------------- rendering

const STREAM_TEXT = {
  connecting: ['connecting…', 'Connecting to the desktop…'],
  live: ['live', ''],
  waiting: ['waiting for the desktop', 'The desktop is not streaming yet. It will appear here as soon as it starts.'],
  ended: ['publisher gone, waiting', 'The desktop stopped streaming. Waiting for it to come back…'],
  reconnecting: ['reconnecting…', 'Connection lost. Reconnecting…'],
  failed: ['video unavailable', 'The video cannot be played in this browser or cannot be reached.'],
  'no-stream': ['no stream', 'This room has no desktop stream.'],
  refused: ['video refused', 'The media server refused this member\'s access to the video, also with a fresh token. Reload the page to try again; if that does not help, tell the room\'s owner.'],
};

function render() {
  if (ui.fatal) {
    $('fatal').hidden = false;
    $('fatal-text').textContent = ui.fatal.text;
    $('fatal').dataset.code = ui.fatal.code;
    $('retry-btn').hidden = !ui.fatal.retry;
  } else {
    $('fatal').hidden = true;
  }
  $('room-name').textContent = (room && room.name) || roomId;
  const streamState = ui.events === 'reconnecting' && ui.feed !== 'live' ? 'reconnecting' : ui.feed;
  const [pill, message] = STREAM_TEXT[streamState] || [streamState, ''];
  $('conn-state').textContent = pill;
  $('conn-state').dataset.state = streamState;
  $('stage-message').textContent = message;
  $('stage-message').hidden = !message;

  const hasAudio = !header || header.hasAudio;
  $('unmute-btn').hidden = !hasAudio;
  $('unmute-btn').textContent = video.muted ? 'Sound off: click to unmute' : 'Sound on';
  $('unmute-btn').classList.toggle('attention', video.muted);

  const s = ui.roomState;
  const holding = s.controlHolder === me();
  const requested = s.pending.includes(me());
  const btn = $('control-btn');
  btn.textContent = holding ? 'Release control' : requested ? 'Control requested…' : 'Request control';
  btn.disabled = ui.busy || (requested && !holding);
  btn.classList.toggle('holding', holding);
  $('take-btn').hidden = !(member && member.owner) || holding;
  $('control-tools').hidden = !holding;
  renderTools();
  $('control-holder').textContent = s.controlHolder ? (holding ? 'You are in control' : `${nameOf(s.controlHolder)} is in control`) : 'Nobody is in control';
  $('vnc-state').textContent = holding ? ({ connecting: 'connecting the keyboard and mouse…', connected: 'your keyboard and mouse go to the desktop', failed: 'control connection failed', disconnected: 'control connection closed' }[ui.vnc] || '') : '';

  const asking = holding ? s.pending.filter((id) => id !== me() && !ui.dismissed.has(id)) : [];
  const prompt = $('control-prompt');
  prompt.hidden = asking.length === 0;
  if (asking.length) {
    prompt.dataset.memberId = asking[0];
    $('prompt-text').textContent = `${nameOf(asking[0])} asks for control.`;
  }
  const list = $('people-list');
  const here = s.members.filter((m) => m.online || m.memberId === me());
  list.replaceChildren(...here.map((m) => {
    const li = document.createElement('li');
    li.textContent = m.name + (m.memberId === me() ? ' (you)' : '') + (m.owner ? ' · owner' : '');
    if (m.memberId === s.controlHolder) { const b = document.createElement('span'); b.className = 'badge'; b.textContent = 'in control'; li.append(' ', b); }
    if (s.pending.includes(m.memberId)) { const b = document.createElement('span'); b.className = 'badge ask'; b.textContent = 'asking'; li.append(' ', b); }
    return li;
  }));
  $('people-count').textContent = String(here.length);
}

let toastTimer;
function toast(text) {
  const t = $('toast');
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.hidden = true; }, 5000);
}

// Hooks for the browser tests and for curious members (stats in the console).
window.shareSpace = {
  stats: () => (player ? { ...player.stats(), pageMarks: { ...navigationMarks(), ...pageMarks },
    feedSocket: feed && feed.socket ? (feedOnWorker() ? 'worker' : 'page') : null, feedCounts: feedCounts() } : null),
  /** Feed sockets and media token renewals so far (also after the player stopped). */
  feedCounts,
  resetDelays: () => { if (player) for (const p of [player.meter && player.meter.delays, player.avSync, player.audioLate]) if (p) p.values = []; },
  state: () => ({ feed: ui.feed, events: ui.events, vnc: ui.vnc, room: ui.roomState, member: member && member.memberId, fatal: ui.fatal }),
  pictureRect: () => $('vnc-layer').getBoundingClientRect().toJSON(),
  annotations: () => annot.strokes(),
  remoteCursor: () => ({ hidden: $('remote-cursor').hidden, memberId: remoteCursor.memberId, name: $('remote-cursor-label').textContent,
    rect: $('remote-cursor').getBoundingClientRect().toJSON() }),
};

// ---------------------------------------------------------------- start

if (!roomId) {
  $('join').hidden = true;
  ui.fatal = { code: 'no_room', text: 'This page needs a room address, like room.html?room=my-room.' };
  render();
} else if (!member) {
  showJoin();
} else {
  enterRoom();
}
