// Plays the WebSocket fMP4 feed below MediaSource's buffering: the feed's samples go straight to WebCodecs
// decoders (optimizeForLatency), each decoded frame is handed to the <video> through a MediaStreamTrackGenerator
// the moment it is due (at once while muted, on the audio clock with sound), and the sound goes through an
// AudioWorklet with a small jitter buffer that absorbs the publisher's clock drift (lib/playout.js).
// Same interface as MsePlayer (onHeader, onInit, onFragment, onEnded, reset, destroy, stats), so FeedClient,
// the overlay, drawing, the pointer, fullscreen and the stats panel do not know which one plays.
// One instance per <video>; main thread only. Policy and figures: docs/player.md "WebCodecs".
import { readDecoderConfigs, readSamples, splitChunks } from './lib/mp4.js';
import { pickFrame, jumpToKeyframe, audibleMediaSec, SyncTracker, PLAYOUT_DEFAULTS, videoDecodeOverflow, admitAudio, holdFrame } from './lib/playout.js';
import { Percentiles } from './lib/stats.js';
import { PlayerMeter, watchShownFrames } from './lib/meter.js';
import { InFlightGate, ArrivalSpread, ChunkStamps, postPcm } from './lib/audio-decode.js';
import { wallNowMs } from './mse-player.js';

/** True when this browser has what the WebCodecs path needs. */
export function webCodecsAvailable() {
  return typeof VideoDecoder === 'function' && typeof AudioDecoder === 'function' && typeof EncodedVideoChunk === 'function'
    && typeof MediaStreamTrackGenerator === 'function' && typeof AudioWorkletNode === 'function';
}

/** Whether the decoders take this init segment's codecs (resolves false on any doubt: the caller falls back to MSE). */
export async function webCodecsSupports(configs) {
  try {
    for (const c of configs) {
      if (c.kind === 'video') {
        const r = await VideoDecoder.isConfigSupported(videoConfigOf(c));
        if (!r.supported) return false;
      } else if (c.kind === 'audio') {
        const r = await AudioDecoder.isConfigSupported(audioConfigOf(c));
        if (!r.supported) return false;
      }
    }
    return true;
  } catch {
    return false;
  }
}

const videoConfigOf = (c) => ({ codec: c.codec, description: c.description, codedWidth: c.codedWidth, codedHeight: c.codedHeight, optimizeForLatency: true });
const audioConfigOf = (c) => ({ codec: c.codec, description: c.description, sampleRate: c.sampleRate, numberOfChannels: c.numberOfChannels });
const sameConfig = (a, b) => !!a && !!b && a.codec === b.codec && a.description.length === b.description.length
  && a.description.every((x, i) => x === b.description[i]);

/** Timestamp of the warm-up frame: before any media time, so no measurement takes it for a picture. */
const WARM_UP_TIMESTAMP_US = -1_000_000;

export class WebCodecsPlayer {
  constructor(video, { sound = false, clock, log = console, onEvent = () => {}, workletUrl = new URL('js/audio-worklet.js', document.baseURI).href,
    audioWorkerUrl = null, audioPath = 'worker', feedWorker = null,
    optimizeForLatency = true, hardwareAcceleration = 'prefer-software', audioLatencyHint = 'interactive' } = {}) {
    Object.assign(this, { video, clock, log, onEvent, workletUrl, audioWorkerUrl, optimizeForLatency, hardwareAcceleration, audioLatencyHint });
    /**
     * () => the feed Worker (lib/feed-worker.js FeedWorkerHub) when the feed's socket lives there now, else null:
     * it decodes the audio too, taking it out of the socket's messages itself once sound is on (those fragments
     * come with audioDecoded); asked at each init, so a socket that moved there (room.js, sound on) is followed.
     */
    this.feedWorker = typeof feedWorker === 'function' ? feedWorker : () => feedWorker;
    this.audioTakenInWorker = 0; // fragments whose sound the feed Worker took
    /** 'worker': AAC decoded in a Worker that posts PCM straight to the worklet; 'main': on this thread (?audio=main). */
    this.audioPath = audioPath === 'main' || typeof Worker !== 'function' ? 'main' : 'worker';
    this.audioWorker = null;
    this.audioGate = new InFlightGate();
    this.audioStamps = new ChunkStamps(); // the media time of each decoded AudioData on this thread
    // Where the audio's arrival jitter comes from (docs/player.md): at the media server (prft), at this page
    // (socket message), at the worklet (PCM in); and how long this thread went without running a task. With the
    // socket in the feed Worker, 'socket' is its arrival there and 'page' when this thread got the message.
    this.audioSpreadServer = new ArrivalSpread();
    this.audioSpreadSocket = new ArrivalSpread();
    this.audioSpreadPage = new ArrivalSpread();
    this.audioSpreadWorklet = new ArrivalSpread();
    this.videoSpreadServer = new ArrivalSpread(); // the same for the video, to compare with
    this.videoSpreadPage = new ArrivalSpread();
    this.mainGapMs = new Percentiles(600);
    this.mainGapTimer = null;
    this.jumps = 0;
    this.marks = {}; // first header / init / fragment / decoded frame / frame shown, ms after page start (join breakdown)
    this.sound = sound;
    this.header = null;
    this.videoCfg = null;
    this.audioCfg = null;
    this.videoDecoder = null;
    this.audioDecoder = null;
    this.needKey = true;
    this.frames = []; // decoded, not yet shown: {frame, tsSec}
    this.meter = new PlayerMeter({ clock });
    this.decodeMs = new Percentiles(300); // decode() -> frame out
    this.writeToShownMs = new Percentiles(300); // frame handed to the <video> -> its expected display time
    this.pending = new Map(); // timestamp (us) -> performance.now() at decode() / at write, for the two above (bounded)
    this.avSync = new Percentiles(300);
    this.audioLate = new Percentiles(300); // server arrival of audio minus that of the video of the same media time
    this.sync = new SyncTracker();
    this.droppedFrames = 0;
    this.skippedBeforeKey = 0;
    this.audio = null; // {ctx, node, report}
    this.generator = new MediaStreamTrackGenerator({ kind: 'video' });
    this.writer = this.generator.writable.getWriter();
    video.srcObject = new MediaStream([this.generator]);
    video.play().catch(() => {}); // muted: allowed
    this.#watchFrames();
  }

  get mode() { return this.sound ? 'audio+video' : 'video'; }
  get generation() { return this.header ? this.header.generation : null; }

  #mark(name) { if (!(name in this.marks)) this.marks[name] = Math.round(performance.now()); }

  onHeader(header) {
    this.#mark('header');
    const same = this.header && header.generation === this.header.generation && header.codecs === this.header.codecs;
    this.header = header;
    if (!same) this.#resetMedia();
    this.#warmUp(header);
  }

  /**
   * Before the first picture: one black frame of the stream's size, so the <video> has set up its MediaStream
   * pipeline (metadata, size, first paint; 60-100 ms measured here) while the keyframe is still on its way and
   * being decoded. The stage is black, so nothing visible changes; it is not counted as a shown frame.
   */
  #warmUp(header) {
    if (this.warmedUp || this.lastShownTsSec !== undefined || typeof VideoFrame !== 'function') return;
    const w = header.width & ~1;
    const h = header.height & ~1;
    if (!(w > 0 && h > 0 && w <= 7680 && h <= 4320)) return;
    this.warmedUp = true;
    const data = new Uint8Array(w * h * 1.5);
    data.fill(16, 0, w * h); // Y black (limited range)
    data.fill(128, w * h); // U, V neutral
    try {
      const frame = new VideoFrame(data, { format: 'I420', codedWidth: w, codedHeight: h, timestamp: WARM_UP_TIMESTAMP_US });
      this.writer.write(frame).catch(() => frame.close());
    } catch (e) {
      this.log.warn(`player: no warm-up frame: ${e.message}`);
    }
  }

  onInit(data) {
    this.#mark('init');
    const configs = readDecoderConfigs(data);
    const v = configs.find((c) => c.kind === 'video');
    const a = configs.find((c) => c.kind === 'audio');
    this.videoTrackId = v ? v.trackId : null;
    this.audioTrackId = a ? a.trackId : null;
    this.timescales = new Map(configs.map((c) => [c.trackId, c.timescale]));
    this.needKey = true; // the feed restarts at a keyframe after every init
    if (!this.checkedSupport) {
      this.checkedSupport = true;
      webCodecsSupports(configs).then((ok) => {
        if (!ok && !this.destroyed) this.onEvent({ type: 'unsupported', codecs: configs.map((c) => c.codec).join(',') });
      });
    }
    const other = configs.find((c) => c.kind === 'other');
    if (other) { this.onEvent({ type: 'unsupported', codecs: other.codec }); return; }
    if (v && !(sameConfig(v, this.videoCfg) && this.videoDecoder && this.videoDecoder.state === 'configured')) {
      this.videoCfg = v;
      this.#configureVideo();
    }
    if (a && !sameConfig(a, this.audioCfg)) {
      this.audioCfg = a;
      if (this.sound) this.#startAudio();
    }
  }

  /** audioDecoded: the feed Worker decoded this message's audio already (its samples are only measured here). */
  onFragment(data, receivedAtMs, audioDecoded = false) {
    if (!this.videoCfg && !this.audioCfg) return; // no init yet
    this.meter.bytesIn.add(data.byteLength, receivedAtMs);
    this.#mark('fragment');
    const pageAtMs = this.sound ? wallNowMs() : NaN;
    for (const chunk of splitChunks(data)) {
      const { prft, samples } = readSamples(chunk);
      if (prft && this.clock) this.clock.addOneWay(prft.wallClockMs, receivedAtMs);
      for (const s of samples) {
        const timescale = this.timescales.get(s.trackId);
        if (!timescale) continue;
        if (s.trackId === this.videoTrackId) {
          if (prft) this.meter.wallClock.add(s.ptsTicks / timescale, prft.wallClockMs);
          if (this.sound) {
            if (prft) this.videoSpreadServer.add(prft.wallClockMs, (s.ptsTicks * 1000) / timescale);
            this.videoSpreadPage.add(receivedAtMs, (s.ptsTicks * 1000) / timescale);
          }
          this.#decodeVideo(s, timescale);
        } else if (s.trackId === this.audioTrackId && this.sound) {
          const mediaMs = (s.ptsTicks * 1000) / timescale;
          if (prft) {
            this.audioLate.add(prft.wallClockMs - this.meter.wallClock.wallClockAt(s.ptsTicks / timescale));
            this.audioSpreadServer.add(prft.wallClockMs, mediaMs);
          }
          this.audioSpreadSocket.add(receivedAtMs, mediaMs);
          this.audioSpreadPage.add(pageAtMs, mediaMs);
          if (audioDecoded) this.audioTakenInWorker++;
          else this.#decodeAudio(s, timescale);
        }
      }
    }
  }

  /** The publisher left: the last frame stays; the sound stops. */
  onEnded() { this.#flushAudio(); }

  /** Drops everything decoded and queued (the socket starts over); the next header and init set up again. */
  reset() {
    this.header = null;
    this.#resetMedia();
  }

  destroy() {
    this.destroyed = true;
    this.#resetMedia();
    if (this.videoDecoder && this.videoDecoder.state !== 'closed') this.videoDecoder.close();
    if (this.audio) { this.audio.ctx.close().catch(() => {}); this.audio = null; }
    this.#dropWorker();
    this.#watchMainThread(false);
    this.writer.close().catch(() => {});
    this.video.srcObject = null;
  }

  /**
   * Sound on or off. Call from the click that asks for it: the AudioContext is created (or resumed) inside
   * the user gesture, as browsers require.
   */
  setSound(on) {
    this.sound = on;
    if (on) {
      if (!this.audio) {
        const ctx = new AudioContext({ latencyHint: this.audioLatencyHint, ...(this.audioCfg ? { sampleRate: this.audioCfg.sampleRate } : {}) });
        this.audio = { ctx, node: null, report: null, ready: null };
      }
      this.audio.ctx.resume().catch(() => {});
      if (this.audioCfg) this.#startAudio();
      this.#watchMainThread(true);
    } else {
      this.#flushAudio();
      this.#closeAudioDecoder();
      this.#watchMainThread(false);
      if (this.audio) this.audio.ctx.suspend().catch(() => {});
      this.#pump();
    }
  }

  // ------------------------------------------------------------------ video

  #configureVideo() {
    if (!this.videoDecoder || this.videoDecoder.state === 'closed') {
      this.videoDecoder = new VideoDecoder({
        output: (frame) => this.#onFrame(frame),
        error: (e) => { if (!this.destroyed) this.onEvent({ type: 'error', error: new Error(`video decoder: ${e.message}`) }); },
      });
    }
    this.videoDecoder.configure({ ...videoConfigOf(this.videoCfg), optimizeForLatency: this.optimizeForLatency, hardwareAcceleration: this.hardwareAcceleration });
    this.needKey = true;
  }

  #decodeVideo(s, timescale) {
    const d = this.videoDecoder;
    if (!d || d.state !== 'configured') return;
    const timestamp = Math.round((s.ptsTicks * 1e6) / timescale);
    this.newestSec = timestamp / 1e6;
    if (this.needKey) {
      if (!s.sync) { this.skippedBeforeKey++; return; }
      this.needKey = false;
    } else if (s.sync && jumpToKeyframe(d.decodeQueueSize)) {
      // Behind by more than a few frames: drop the backlog and start again from this keyframe.
      this.jumps++;
      d.reset();
      d.configure({ ...videoConfigOf(this.videoCfg), optimizeForLatency: this.optimizeForLatency, hardwareAcceleration: this.hardwareAcceleration });
      for (const f of this.frames) f.frame.close();
      this.frames = [];
    }
    this.#markFrame(timestamp, 'decodeAt');
    d.decode(new EncodedVideoChunk({ type: s.sync ? 'key' : 'delta', timestamp,
      duration: Math.round((s.durationTicks * 1e6) / timescale), data: s.data }));
    if (videoDecodeOverflow(d.decodeQueueSize)) {
      this.log.warn(`player: ${d.decodeQueueSize} frames waiting to be decoded, starting over at the next keyframe`);
      this.onEvent({ type: 'overflow' });
    }
  }

  #onFrame(frame) {
    if (this.destroyed) { frame.close(); return; }
    const tsSec = frame.timestamp / 1e6;
    this.#mark('decoded');
    const m = this.pending.get(frame.timestamp);
    if (m && m.decodeAt) this.decodeMs.add(performance.now() - m.decodeAt);
    if (this.lastShownTsSec !== undefined && tsSec <= this.lastShownTsSec) { frame.close(); this.droppedFrames++; return; } // a burst repeating what we showed
    for (const old of holdFrame(this.frames, { frame, tsSec })) { old.frame.close(); this.droppedFrames++; }
    this.#pump();
  }

  /** Audible media time now, or null when the pictures run free (muted, or the sound not playing yet). */
  #clockSec() {
    const a = this.audio;
    if (!this.sound || !a || !a.report || a.ctx.state !== 'running') return null;
    return audibleMediaSec(a.report, a.ctx.getOutputTimestamp(), performance.now());
  }

  #pump() {
    if (this.destroyed) return;
    const clockSec = this.#clockSec();
    const nowMs = performance.now();
    const pick = pickFrame(this.frames, clockSec, { newestSec: this.newestSec ?? null, msSinceShown: nowMs - (this.lastShownAtMs ?? -Infinity) });
    for (let i = 0; i < pick.drop; i++) { this.frames.shift().frame.close(); this.droppedFrames++; }
    if (pick.show >= 0) {
      const { frame, tsSec } = this.frames.shift();
      if (clockSec !== null) {
        const latenessMs = (clockSec - tsSec) * 1000;
        this.avSync.add(latenessMs);
        const extra = this.sync.add(latenessMs);
        if (extra !== this.sentExtraMs && this.audio && this.audio.node) { this.sentExtraMs = extra; this.audio.node.port.postMessage({ type: 'extra-delay', ms: extra }); }
      }
      this.lastShownTsSec = tsSec;
      this.lastShownAtMs = nowMs;
      this.width = frame.displayWidth;
      this.height = frame.displayHeight;
      this.#markFrame(frame.timestamp, 'writeAt');
      this.writer.write(frame).catch((e) => { frame.close(); if (!this.destroyed) this.log.warn(`player: frame not written: ${e.message}`); });
    }
    if (this.frames.length && !this.pumpScheduled) {
      this.pumpScheduled = true;
      requestAnimationFrame(() => { this.pumpScheduled = false; this.#pump(); });
    }
  }

  #resetMedia() {
    for (const f of this.frames) f.frame.close();
    this.frames = [];
    this.lastShownTsSec = undefined;
    this.lastShownAtMs = undefined;
    this.newestSec = undefined;
    this.meter.wallClock.clear();
    this.needKey = true;
    if (this.videoDecoder && this.videoDecoder.state === 'configured') this.videoDecoder.reset(); // back to unconfigured
    this.videoCfg = null;
    this.audioCfg = null;
    this.#closeAudioDecoder();
    this.#flushAudio();
  }

  // ------------------------------------------------------------------ audio

  #startAudio() {
    const a = this.audio;
    if (!a || !this.audioCfg) return;
    const cfg = this.audioCfg;
    if (a.ctx.sampleRate !== cfg.sampleRate) {
      // The context was made before the init said the rate: make it again at the stream's rate (no resampling).
      a.ctx.close().catch(() => {});
      this.audio = { ctx: new AudioContext({ latencyHint: this.audioLatencyHint, sampleRate: cfg.sampleRate }), node: null, report: null, ready: null };
      this.audio.ctx.resume().catch(() => {});
    }
    const audio = this.audio;
    if (!audio.ready) {
      audio.ready = audio.ctx.audioWorklet.addModule(this.workletUrl).then(() => {
        if (this.audio !== audio) return;
        audio.node = new AudioWorkletNode(audio.ctx, 'feed-audio', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [cfg.numberOfChannels],
          processorOptions: { sampleRate: cfg.sampleRate, channels: cfg.numberOfChannels, policy: PLAYOUT_DEFAULTS } });
        audio.node.port.onmessage = (ev) => { if (ev.data.type === 'clock') this.#onReport(audio, ev.data); };
        audio.node.connect(audio.ctx.destination);
        this.sentExtraMs = 0;
        if (this.audioWorker) this.#connectWorker(audio.node);
      }).catch((e) => this.log.warn(`player: audio worklet: ${e.message}`));
    }
    if (this.audioPath === 'worker') {
      const hub = this.feedWorker();
      const feedWorker = hub && !hub.failed ? hub : null;
      if (this.audioWorker && this.audioWorkerShared !== !!feedWorker) this.#dropWorker(); // the socket moved
      if (!this.audioWorker) this.#startWorker(feedWorker);
      if (this.audioWorker) {
        this.audioWorker.postMessage({ type: 'config', config: audioConfigOf(cfg) });
        // The feed Worker: from now on it takes the sound out of the socket's messages itself.
        if (this.audioWorkerShared) this.audioWorker.postMessage({ type: 'audio', on: true });
        return;
      }
    }
    if (!this.audioDecoder || this.audioDecoder.state === 'closed') {
      this.audioDecoder = new AudioDecoder({
        output: (ad) => this.#onAudio(ad),
        error: (e) => { this.log.warn(`player: audio decoder: ${e.message}`); this.audioDecoder = null; this.audioStamps.clear(); },
      });
    }
    this.audioDecoder.configure(audioConfigOf(cfg));
  }

  #startWorker(feedWorker) {
    try {
      // The feed Worker when the feed socket lives there (it decodes, no second Worker), else a Worker of its own.
      const shared = !!feedWorker;
      const w = shared ? feedWorker.worker
        : new Worker(this.audioWorkerUrl || new URL('js/audio-decode-worker.js', document.baseURI).href, { type: 'module', name: 'audio-decoder' });
      const onMessage = (ev) => {
        const m = ev.data;
        if (m.type === 'taken') { this.audioGate.onTaken(m.n); this.audioWorkerDropped = m.dropped; }
        else if (m.type === 'audio-taken') this.audioWorkerDropped = m.dropped;
        else if (m.type === 'error') this.log.warn(`player: audio worker: ${m.message}`);
      };
      const onError = (e) => { // the worker did not load or failed: decode on this thread instead
        this.log.warn(`player: audio worker failed (${e.message || 'no detail'}), decoding audio on the main thread`);
        if (this.audioWorker === w) { this.#dropWorker(); this.audioPath = 'main'; if (this.sound) this.#startAudio(); }
      };
      w.addEventListener('message', onMessage);
      w.addEventListener('error', onError);
      this.audioWorkerListeners = { onMessage, onError };
      this.audioWorkerShared = shared;
      this.audioWorker = w;
      this.audioGate.reset();
      if (this.audio && this.audio.node) this.#connectWorker(this.audio.node);
    } catch (e) {
      this.log.warn(`player: no audio worker (${e.message}), decoding audio on the main thread`);
      this.audioPath = 'main';
    }
  }

  /** Lets go of the audio Worker: its own is terminated; the feed Worker (shared) stops decoding and keeps the socket. */
  #dropWorker() {
    const w = this.audioWorker;
    if (!w) return;
    this.audioWorker = null;
    w.removeEventListener('message', this.audioWorkerListeners.onMessage);
    w.removeEventListener('error', this.audioWorkerListeners.onError);
    if (!this.audioWorkerShared) { w.terminate(); return; }
    w.postMessage({ type: 'audio', on: false });
    w.postMessage({ type: 'reset' });
  }

  /** One MessageChannel between the decoder Worker and the worklet: PCM never passes through this thread. */
  #connectWorker(node) {
    const ch = new MessageChannel();
    node.port.postMessage({ type: 'port', port: ch.port1 }, [ch.port1]);
    this.audioWorker.postMessage({ type: 'port', port: ch.port2 }, [ch.port2]);
  }

  #closeAudioDecoder() {
    if (this.audioDecoder && this.audioDecoder.state !== 'closed') this.audioDecoder.close();
    this.audioDecoder = null;
    this.audioStamps.clear();
    if (this.audioWorker) {
      if (this.audioWorkerShared) this.audioWorker.postMessage({ type: 'audio', on: false });
      this.audioWorker.postMessage({ type: 'reset' });
    }
  }

  #onReport(audio, report) {
    audio.report = report;
    for (const lagMs of report.lags || []) this.audioSpreadWorklet.add(lagMs, 0);
  }

  /** Gaps between ticks of a 20 ms timer on this thread (what a task running long costs everything queued). */
  #watchMainThread(on) {
    if (this.mainGapTimer) { clearInterval(this.mainGapTimer); this.mainGapTimer = null; }
    if (!on || typeof setInterval !== 'function') return;
    let last = performance.now();
    this.mainGapTimer = setInterval(() => { const now = performance.now(); this.mainGapMs.add(now - last); last = now; }, 20);
  }

  #decodeAudio(s, timescale) {
    if (this.audioWorker) {
      if (!this.audioGate.admit()) { this.audioDropped = (this.audioDropped || 0) + 1; return; }
      const data = s.data.slice(); // its own buffer, handed over
      this.audioWorker.postMessage({ type: 'chunk', timestampUs: Math.round((s.ptsTicks * 1e6) / timescale),
        durationUs: Math.round((s.durationTicks * 1e6) / timescale), data }, [data.buffer]);
      return;
    }
    const d = this.audioDecoder;
    if (!d || d.state !== 'configured') return;
    if (!admitAudio(d.decodeQueueSize)) { this.audioDropped = (this.audioDropped || 0) + 1; return; }
    const timestamp = Math.round((s.ptsTicks * 1e6) / timescale);
    this.audioStamps.sent(timestamp);
    d.decode(new EncodedAudioChunk({ type: 'key', timestamp, duration: Math.round((s.durationTicks * 1e6) / timescale), data: s.data }));
  }

  #onAudio(ad) {
    postPcm(this.sound && this.audio && this.audio.node ? this.audio.node.port : null, ad, this.audioStamps.startSecOf(ad));
  }

  #flushAudio() {
    for (const spread of [this.audioSpreadServer, this.audioSpreadSocket, this.audioSpreadPage, this.audioSpreadWorklet, this.videoSpreadServer, this.videoSpreadPage]) spread.clear(); // a new timeline
    if (this.audio && this.audio.node) { this.audio.node.port.postMessage({ type: 'flush' }); this.audio.report = null; }
    this.sync = new SyncTracker();
  }

  // ------------------------------------------------------------------ measuring

  #markFrame(timestampUs, what) {
    let m = this.pending.get(timestampUs);
    if (!m) {
      m = {};
      this.pending.set(timestampUs, m);
      if (this.pending.size > 120) this.pending.delete(this.pending.keys().next().value);
    }
    m[what] = performance.now();
  }

  /** Capture-to-display delay per displayed frame (the <video> shows what the generator got; mediaTime is its timestamp). */
  #watchFrames() {
    watchShownFrames(this.video, (mediaSec, pageMs) => {
      if (mediaSec < 0) return; // the warm-up frame
      if (this.meter.frameShown(mediaSec, pageMs, performance.timeOrigin)) this.#mark('shown');
      const m = this.pending.get(Math.round(mediaSec * 1e6));
      if (m && m.writeAt) this.writeToShownMs.add(pageMs - m.writeAt);
    }, () => this.destroyed);
  }

  stats() {
    const nowMs = wallNowMs();
    const r = this.audio && this.audio.report;
    // The output device's own account (AudioContext.playbackStats, where the browser has it): its underruns are
    // glitches the jitter buffer cannot see.
    const device = this.audio && this.audio.ctx.playbackStats;
    const heldSec = this.frames.length ? this.frames[this.frames.length - 1].tsSec - this.frames[0].tsSec : 0;
    return {
      ...this.meter.fields(nowMs),
      transport: 'websocket',
      decoder: 'webcodecs',
      mode: this.mode,
      width: this.width || this.video.videoWidth,
      height: this.height || this.video.videoHeight,
      bufferedSec: this.sound && r ? r.fillMs / 1000 : heldSec,
      playbackRate: r ? r.ratio : 1,
      seeks: this.jumps,
      droppedFrames: this.droppedFrames,
      decodeQueue: this.videoDecoder && this.videoDecoder.state !== 'closed' ? this.videoDecoder.decodeQueueSize : 0,
      avSyncP50Ms: this.avSync.at(50),
      avSyncP95Ms: this.avSync.at(95),
      avSyncSamples: this.avSync.count,
      audioFillMs: r ? r.fillMs : NaN,
      audioLateP50Ms: this.audioLate.at(50),
      audioTargetMs: r ? r.targetMs : NaN,
      audioUnderruns: r ? r.underruns : 0,
      audioLateUnderruns: r ? r.lateUnderruns : 0,
      audioOutputLatencyMs: this.audio ? ((this.audio.ctx.outputLatency || 0) + (this.audio.ctx.baseLatency || 0)) * 1000 : NaN,
      audioDrops: r ? r.drops : 0,
      audioDeviceUnderruns: device ? device.underrunEvents : NaN,
      audioDeviceLatencyMs: device ? device.averageLatency * 1000 : NaN,
      audioResets: r ? r.resets : 0,
      audioStale: r ? r.stale : 0,
      audioPlaying: !!(r && r.playing),
      audioPath: this.audioPath === 'worker' && this.audioWorkerShared ? (this.audioTakenInWorker ? 'feed-worker' : 'feed-worker-chunks') : this.audioPath,
      audioTakenInWorker: this.audioTakenInWorker,
      audioWorkerDropped: this.audioWorkerDropped || 0,
      audioSpreadServerP95Ms: this.audioSpreadServer.spread().p95Ms,
      audioSpreadServerMaxMs: this.audioSpreadServer.spread().maxMs,
      audioSpreadSocketP95Ms: this.audioSpreadSocket.spread().p95Ms,
      audioSpreadPageP95Ms: this.audioSpreadPage.spread().p95Ms,
      audioSpreadPageMaxMs: this.audioSpreadPage.spread().maxMs,
      audioSpreadWorkletP95Ms: this.audioSpreadWorklet.spread().p95Ms,
      audioSpreadWorkletMaxMs: this.audioSpreadWorklet.spread().maxMs,
      videoSpreadServerP95Ms: this.videoSpreadServer.spread().p95Ms,
      videoSpreadPageP95Ms: this.videoSpreadPage.spread().p95Ms,
      mainGapP95Ms: this.mainGapMs.at(95),
      mainGapMaxMs: this.mainGapMs.at(100),
      joinMarks: this.marks,
      decodeP50Ms: this.decodeMs.at(50),
      decodeP95Ms: this.decodeMs.at(95),
      writeToShownP50Ms: this.writeToShownMs.at(50),
      writeToShownSamples: this.writeToShownMs.count,
      generation: this.generation,
    };
  }
}
