// Audio decoding off the page's main thread (docs/player.md "WebCodecs", sound): the page hands encoded AAC
// frames to a dedicated Worker (js/audio-decode-worker.js), which decodes them and posts the PCM straight to the
// AudioWorklet through a MessagePort the page transferred to it; the main thread (video decoder callbacks,
// layout, the benchmark's read-back) is no longer between the decoder and the worklet. This file is the
// worker's logic with the browser parts injected, so it runs under node with fakes.

import { admitAudio, DECODE_BOUNDS } from './playout.js';

/**
 * The media time of each decoded AudioData, taken from the chunk it was decoded from. Chromium's AudioDecoder stamps
 * its outputs with the first chunk's timestamp plus the frames decoded since, whatever the later chunks say
 * (measured here: chunks at 0-85 ms then 1000 ms came out at 0-85 then 106.7 ms), so one chunk lost, dropped or
 * decoded twice would move the sound against the picture for the rest of the stream. An AAC decoder gives one
 * output per chunk, in order: each output takes the timestamp of the oldest chunk not yet answered. Bounded: past
 * max pending (the decoder's queue is bounded lower) the oldest is forgotten.
 */
export class ChunkStamps {
  constructor(max = 2 * DECODE_BOUNDS.maxAudioDecodeQueue) { this.max = max; this.pending = []; }
  /** A chunk handed to the decoder. */
  sent(timestampUs) {
    this.pending.push(timestampUs);
    if (this.pending.length > this.max) this.pending.shift();
  }
  /** Media time (s) of the next output: its chunk's, or the decoder's own when no chunk is pending. */
  startSecOf(audioData) {
    const t = this.pending.length ? this.pending.shift() : audioData.timestamp;
    return t / 1e6;
  }
  clear() { this.pending = []; }
}

/**
 * The worker side. post(msg, transfer) goes to the page; the worklet's port comes in a 'port' message.
 * Messages in: {type:'port', port}, {type:'config', config}, {type:'chunk', timestampUs, durationUs, data},
 * {type:'reset'}. Out to the page: {type:'taken', n} (every takenEvery chunks, for the page's bound),
 * {type:'error', message}. Out to the worklet: {type:'pcm', startSec, planes}.
 */
export class AudioDecodeCore {
  constructor({ AudioDecoderCtor, EncodedAudioChunkCtor, post, takenEvery = 10 }) {
    Object.assign(this, { AudioDecoderCtor, EncodedAudioChunkCtor, post, takenEvery });
    this.port = null;
    this.decoder = null;
    this.config = null;
    this.taken = 0; // chunks taken off the page's queue (decoded or dropped)
    this.dropped = 0;
    this.decoded = 0;
    this.stamps = new ChunkStamps();
    this.lastUs = undefined; // the newest frame decoded
  }

  handle(m) {
    switch (m.type) {
      case 'port': this.port = m.port; break;
      case 'config': this.#configure(m.config); break;
      case 'chunk': this.#decode(m); break;
      case 'reset': this.#close(); break;
      default: break;
    }
  }

  #configure(config) {
    this.config = config;
    if (!this.AudioDecoderCtor) { this.post({ type: 'error', message: 'no AudioDecoder in this worker' }); return; }
    if (!this.decoder || this.decoder.state === 'closed') {
      this.decoder = new this.AudioDecoderCtor({
        output: (ad) => this.#output(ad),
        error: (e) => { this.post({ type: 'error', message: `audio decoder: ${e.message}` }); this.decoder = null; this.stamps.clear(); },
      });
    }
    this.decoder.configure(config);
  }

  /** A decoder is configured: the feed Worker may take the audio out of the socket's messages itself. */
  get ready() { return !!this.decoder && this.decoder.state === 'configured'; }

  #decode(chunk) {
    this.decodeSample(chunk);
    if (++this.taken % this.takenEvery === 0) this.post({ type: 'taken', n: this.taken, dropped: this.dropped });
  }

  /**
   * One AAC frame, from the page's 'chunk' message or taken by the feed Worker from the socket's message (lib/
   * feed-worker.js); dropped when no decoder is configured, more than 100 wait to be decoded, or it is not newer
   * than the last one decoded: at sound on the page may still hand over frames of messages it got before the feed
   * Worker began taking the sound itself, and those come after newer ones.
   */
  decodeSample({ timestampUs, durationUs, data }) {
    const d = this.decoder;
    if (d && d.state === 'configured' && admitAudio(d.decodeQueueSize) && !(timestampUs <= this.lastUs)) {
      this.lastUs = timestampUs;
      this.stamps.sent(timestampUs); // first: a decoder may answer within decode()
      d.decode(new this.EncodedAudioChunkCtor({ type: 'key', timestamp: timestampUs, duration: durationUs, data }));
      this.decoded++;
    } else {
      this.dropped++;
    }
  }

  #output(ad) {
    postPcm(this.port, ad, this.stamps.startSecOf(ad)); // before the worklet's port came: nothing to play it, dropped
  }

  #close() {
    if (this.decoder && this.decoder.state !== 'closed') this.decoder.close();
    this.decoder = null;
    this.stamps.clear();
    this.lastUs = undefined; // a new timeline may start anywhere
  }
}

/**
 * Copies a decoded AudioData into one Float32Array per channel, posts it to the worklet's port (the buffers
 * transferred, not copied again) as media time startSec (ChunkStamps) when there is a port, and closes the
 * AudioData either way.
 */
export function postPcm(port, ad, startSec) {
  try {
    if (!port) return;
    const planes = [];
    for (let c = 0; c < ad.numberOfChannels; c++) {
      const p = new Float32Array(ad.numberOfFrames);
      ad.copyTo(p, { planeIndex: c, format: 'f32-planar' });
      planes.push(p);
    }
    port.postMessage({ type: 'pcm', startSec, planes }, planes.map((p) => p.buffer));
  } finally {
    ad.close();
  }
}

/**
 * The page side's bound on chunks handed to the worker and not yet taken (a stalled worker must not pile up
 * messages): admit while posted - taken <= maxInFlight (100 AAC frames, ~2 s, as the decoder's own queue).
 */
export class InFlightGate {
  constructor(maxInFlight = 100) { this.maxInFlight = maxInFlight; this.posted = 0; this.taken = 0; this.refused = 0; }
  admit() {
    if (this.posted - this.taken >= this.maxInFlight) { this.refused++; return false; }
    this.posted++;
    return true;
  }
  /** The worker's running count of chunks taken. */
  onTaken(n) { if (n > this.taken && n <= this.posted) this.taken = n; }
  reset() { this.posted = 0; this.taken = 0; }
}

/**
 * Keeps a PCM arrival lag (ms) for the worklet's next report: at most maxLags per report (a burst beyond that
 * is summarised by the largest lag in the last slot), so a flood of messages never grows a report.
 */
export function keepLag(lags, lagMs, maxLags = 16) {
  if (lags.length < maxLags) lags.push(lagMs);
  else lags[maxLags - 1] = Math.max(lags[maxLags - 1], lagMs);
  return lags;
}

/**
 * Arrival jitter of a stream of media: for each arrival, (arrival time − media time) in ms; the spread of those
 * over the window (p95 − min, max − min) is how much a buffer must hold to never run dry. Clock offsets cancel.
 */
export class ArrivalSpread {
  constructor(size = 300) { this.size = size; this.values = []; }
  add(arrivalMs, mediaMs) {
    const v = arrivalMs - mediaMs;
    if (!Number.isFinite(v)) return;
    this.values.push(v);
    if (this.values.length > this.size) this.values.shift();
  }
  clear() { this.values = []; }
  /** {p95Ms, maxMs} above the earliest arrival in the window; NaN while empty. */
  spread() {
    if (!this.values.length) return { p95Ms: NaN, maxMs: NaN };
    const s = [...this.values].sort((a, b) => a - b);
    const min = s[0];
    return { p95Ms: s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)] - min, maxMs: s[s.length - 1] - min };
  }
}
