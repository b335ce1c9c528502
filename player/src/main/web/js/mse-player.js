// Plays the WebSocket fMP4 feed through MediaSource and holds it at the live edge.
// One instance per <video>; all calls come from the page's main thread (event handlers and timers).
// Policy and figures: docs/player.md.
import { readFragment, readInit, splitChunks, splitInitByTrack } from './lib/mp4.js';
import { liveEdgeAction, trimRange, LIVE_EDGE_DEFAULTS } from './lib/liveedge.js';
import { PlayerMeter, watchShownFrames } from './lib/meter.js';

/** Wall-clock now in ms with sub-ms precision (Date.now() is only ms and may be coarsened). */
export const wallNowMs = () => performance.timeOrigin + performance.now();

/** Queued appends beyond this mean the page cannot keep up (hidden tab, slow decode): start over. */
const MAX_QUEUED_APPENDS = 600;
const TICK_MS = 200;

function rangesOf(timeRanges) {
  const out = [];
  for (let i = 0; i < timeRanges.length; i++) out.push({ start: timeRanges.start(i), end: timeRanges.end(i) });
  return out;
}

/** A SourceBuffer with its own append/remove queue (a SourceBuffer takes one operation at a time). */
class BufferLane {
  constructor(sourceBuffer, name, onError) {
    this.sb = sourceBuffer;
    this.name = name;
    this.queue = [];
    this.onError = onError;
    sourceBuffer.addEventListener('updateend', () => this.pump());
    sourceBuffer.addEventListener('error', () => onError(new Error(`${name} SourceBuffer error`)));
  }
  append(data) { this.queue.push({ op: 'append', data }); this.pump(); }
  remove(startSec, endSec) {
    if (!this.queue.some((q) => q.op === 'remove')) this.queue.push({ op: 'remove', startSec, endSec });
    this.pump();
  }
  pump() {
    if (this.sb.updating || this.queue.length === 0) return;
    const next = this.queue.shift();
    try {
      if (next.op === 'append') this.sb.appendBuffer(next.data);
      else this.sb.remove(next.startSec, next.endSec);
    } catch (e) {
      if (e.name === 'QuotaExceededError' && next.op === 'append') {
        // Buffer full: drop what has been played and try this append again.
        this.queue.unshift(next);
        const end = this.sb.buffered.length ? this.sb.buffered.end(this.sb.buffered.length - 1) - 1 : 0;
        if (end > 0) { try { this.sb.remove(0, end); } catch (e2) { this.onError(e2); } }
        return;
      }
      this.onError(e);
    }
  }
}

/**
 * Modes: 'split' (video and audio in separate SourceBuffers), 'muxed' (one SourceBuffer, as the feed
 * sends it) and 'video' (audio dropped). docs/player.md says which is default and why.
 */
export class MsePlayer {
  constructor(video, { mode = 'split', liveEdge = LIVE_EDGE_DEFAULTS, clock, log = console, onEvent = () => {} } = {}) {
    this.video = video;
    this.mode = mode;
    this.liveEdge = liveEdge;
    this.clock = clock;
    this.log = log;
    this.onEvent = onEvent;
    this.header = null;
    this.mediaSource = null;
    this.lanes = new Map(); // trackId -> BufferLane
    this.tracks = new Map(); // trackId -> {timescale, handler}
    this.videoTrackId = null;
    this.pendingInit = null;
    this.pendingFragments = [];
    this.meter = new PlayerMeter({ clock });
    this.lastSeekAtMs = 0;
    this.seeks = 0;
    this.nudgedMs = 0;
    this.timer = setInterval(() => this.tick(), TICK_MS);
    // Capture-to-display delay for every displayed frame, from the prft wall clock of that frame.
    watchShownFrames(video, (mediaSec, pageMs) => this.meter.frameShown(mediaSec, pageMs, performance.timeOrigin), () => this.destroyed);
  }

  get generation() { return this.header ? this.header.generation : null; }

  /** A header arrived: a new generation or new codecs need a fresh MediaSource; a reconnect does not. */
  onHeader(header) {
    const same = this.header && this.mediaSource && this.mediaSource.readyState === 'open' && this.lanes.size > 0
      && header.generation === this.header.generation && header.mimeType === this.header.mimeType;
    this.header = header;
    if (same) return; // same timeline: the next init is appended to the buffers we have
    this.#resetMediaSource();
  }

  onInit(data) {
    const init = readInit(data);
    this.tracks = new Map(init.tracks.map((t) => [t.trackId, t]));
    const video = init.tracks.find((t) => t.handler === 'vide');
    this.videoTrackId = video ? video.trackId : init.tracks[0].trackId;
    if (this.mediaSource.readyState !== 'open') { this.pendingInit = data; return; }
    this.#appendInit(data);
  }

  /**
   * One feed message: a fragment, or several in a row (the server batches when a viewer fell behind).
   * @param receivedAtMs wall clock (ms) when the message arrived
   */
  onFragment(data, receivedAtMs) {
    if (!this.mediaSource || !this.tracks.size) return; // no init yet: nothing to decode this with
    this.meter.bytesIn.add(data.byteLength, receivedAtMs);
    for (const chunk of splitChunks(data)) this.#onChunk(chunk, receivedAtMs);
  }

  #onChunk(chunk, receivedAtMs) {
    const frag = readFragment(chunk);
    const traf = frag.trafs[0];
    if (frag.prft && this.clock) this.clock.addOneWay(frag.prft.wallClockMs, receivedAtMs);
    if (traf && frag.prft && traf.trackId === this.videoTrackId) {
      const timescale = this.tracks.get(traf.trackId)?.timescale;
      if (timescale) this.meter.wallClock.add(traf.baseDecodeTimeTicks / timescale, frag.prft.wallClockMs);
    }
    if (this.pendingInit) { this.pendingFragments.push(chunk); return; } // MediaSource not open yet
    const lane = this.#laneFor(traf ? traf.trackId : null);
    if (!lane) return; // e.g. audio in 'video' mode
    lane.append(chunk);
    if (lane.queue.length > MAX_QUEUED_APPENDS) {
      this.log.warn(`player: ${lane.queue.length} appends queued, starting over at the next keyframe`);
      this.onEvent({ type: 'overflow' });
    }
  }

  /** The publisher left: keep showing the last frame. */
  onEnded() { this.video.playbackRate = 1; }

  /** Drops everything (the socket starts over); the next header builds a fresh MediaSource. */
  reset() {
    this.header = null;
    this.tracks = new Map();
    for (const lane of this.lanes.values()) lane.queue.length = 0;
    this.lanes.clear();
    this.pendingInit = null;
    this.pendingFragments = [];
    this.mediaSource = null;
  }

  destroy() {
    clearInterval(this.timer);
    this.destroyed = true;
    if (this.mediaSource) { this.video.removeAttribute('src'); this.video.load(); }
  }

  #laneFor(trackId) {
    // One SourceBuffer for everything in 'muxed' mode, and for a stream with a single track in any mode.
    return this.lanes.get('muxed') || this.lanes.get(trackId);
  }

  #resetMediaSource() {
    for (const lane of this.lanes.values()) lane.queue.length = 0;
    this.lanes.clear();
    this.meter.wallClock.clear();
    this.pendingInit = null;
    this.pendingFragments = [];
    const ms = new MediaSource();
    this.mediaSource = ms;
    if (this.video.src) URL.revokeObjectURL(this.video.src);
    this.video.src = URL.createObjectURL(ms);
    ms.addEventListener('sourceopen', () => {
      if (ms !== this.mediaSource) return;
      try { this.#createBuffers(); } catch (e) { this.onEvent({ type: 'error', error: e }); return; }
      if (this.pendingInit) {
        const d = this.pendingInit;
        const frags = this.pendingFragments;
        this.pendingInit = null;
        this.pendingFragments = [];
        this.#appendInit(d);
        for (const f of frags) {
          const traf = readFragment(f).trafs[0];
          const lane = this.#laneFor(traf ? traf.trackId : null);
          if (lane) lane.append(f);
        }
      }
    }, { once: true });
  }

  #createBuffers() {
    const h = this.header;
    const ms = this.mediaSource;
    const onError = (e) => this.onEvent({ type: 'error', error: e });
    ms.duration = Infinity; // live
    if (this.mode === 'muxed' || !h.hasAudio) {
      this.lanes.set('muxed', new BufferLane(ms.addSourceBuffer(h.mimeType), 'muxed', onError));
      return;
    }
    // 'split' and 'video': one SourceBuffer per track, each declared with its own codec.
    const codecs = h.codecs.split(',').map((c) => c.trim());
    const videoCodecs = codecs.filter((c) => /^(avc|hvc|hev|vp0|av01)/.test(c));
    const audioCodecs = codecs.filter((c) => !videoCodecs.includes(c));
    this.splitCodecs = { video: `video/mp4; codecs="${videoCodecs.join(',')}"`, audio: `audio/mp4; codecs="${audioCodecs.join(',')}"` };
    this.lanes.set('video', new BufferLane(ms.addSourceBuffer(this.splitCodecs.video), 'video', onError));
    if (this.mode === 'split') {
      this.lanes.set('audio', new BufferLane(ms.addSourceBuffer(this.splitCodecs.audio), 'audio', onError));
    }
  }

  #appendInit(data) {
    if (this.lanes.has('muxed')) {
      const lane = this.lanes.get('muxed');
      this.lanes.clear();
      this.lanes.set('muxed', lane);
      lane.append(data);
      return;
    }
    // Re-key the lanes by track id of this init segment.
    const videoLane = this.lanes.get('video') || this.lanes.get(this.videoTrackId);
    const audioLane = this.lanes.get('audio') || [...this.lanes.values()].find((l) => l !== videoLane);
    this.lanes.clear();
    if (videoLane) { this.lanes.set('video', videoLane); this.lanes.set(this.videoTrackId, videoLane); }
    const audioTrack = [...this.tracks.values()].find((t) => t.handler === 'soun');
    if (audioLane && audioTrack) { this.lanes.set('audio', audioLane); this.lanes.set(audioTrack.trackId, audioLane); }
    if (videoLane) videoLane.append(splitInitByTrack(data, this.videoTrackId));
    if (audioLane && audioTrack) audioLane.append(splitInitByTrack(data, audioTrack.trackId));
  }

  /** Live-edge policy, trimming and stall recovery, every TICK_MS. */
  tick() {
    const v = this.video;
    if (!this.mediaSource || this.mediaSource.readyState !== 'open' || this.lanes.size === 0) return;
    const ranges = rangesOf(v.buffered);
    if (ranges.length === 0) return;
    const nowMs = performance.now();
    const action = liveEdgeAction({ ranges, currentTimeSec: v.currentTime, playbackRate: v.playbackRate, nowMs, lastSeekAtMs: this.lastSeekAtMs }, this.liveEdge);
    this.lagSec = action.lagSec;
    if (action.seekToSec !== null) {
      v.currentTime = action.seekToSec;
      this.lastSeekAtMs = nowMs;
      this.seeks++;
      this.log.debug?.(`player: seek to ${action.seekToSec.toFixed(3)} (${action.reason}, lag ${action.lagSec.toFixed(3)} s)`);
    }
    if (v.playbackRate !== action.playbackRate) v.playbackRate = action.playbackRate;
    if (action.playbackRate > 1) this.nudgedMs += TICK_MS;
    if (v.paused && v.readyState >= 2 && !this.playRequested) {
      this.playRequested = true;
      v.play().catch((e) => { this.log.warn(`player: play() refused: ${e.message}`); this.onEvent({ type: 'autoplay-blocked' }); })
        .finally(() => { this.playRequested = false; });
    }
    const seen = new Set();
    for (const lane of this.lanes.values()) {
      if (seen.has(lane)) continue;
      seen.add(lane);
      const trim = trimRange(rangesOf(lane.sb.buffered), v.currentTime, this.liveEdge);
      if (trim) lane.remove(trim.startSec, trim.endSec);
    }
  }

  stats() {
    const v = this.video;
    const nowMs = wallNowMs();
    const q = v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality() : null;
    const ranges = rangesOf(v.buffered);
    return {
      ...this.meter.fields(nowMs),
      transport: 'websocket',
      decoder: 'mse',
      mode: this.mode,
      width: v.videoWidth,
      height: v.videoHeight,
      bufferedSec: ranges.length ? ranges[ranges.length - 1].end - v.currentTime : 0,
      playbackRate: v.playbackRate,
      seeks: this.seeks,
      droppedFrames: q ? q.droppedVideoFrames : 0,
      generation: this.generation,
    };
  }
}
