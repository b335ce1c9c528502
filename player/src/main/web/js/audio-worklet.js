// The AudioWorklet of the WebCodecs path: decoded PCM in (port messages: from the page, or from the audio decoder
// Worker through a port the page hands over), the jitter buffer of lib/playout.js out to the speakers, and every
// ~20 ms a report of which media time it is reading and at what ratio, so the page can put video frames on the
// audio clock. Built as its own bundle (build.mjs): worklet scope, no DOM.
import { AudioJitterBuffer } from './lib/playout.js';
import { keepLag } from './lib/audio-decode.js';

const REPORT_EVERY_BLOCKS = 8; // 128-frame blocks: ~21 ms at 48 kHz

class FeedAudioProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const { sampleRate: rate, channels, policy } = options.processorOptions;
    this.buffer = new AudioJitterBuffer({ sampleRate: rate, channels }, policy);
    this.blocks = 0;
    this.lags = []; // per PCM arrival since the last report: context time − media time (ms); the page takes the spread
    const onMessage = (ev) => {
      const m = ev.data;
      if (m.type === 'pcm') {
        this.buffer.push(m.startSec, m.planes);
        keepLag(this.lags, (currentTime - m.startSec) * 1000);
      } else if (m.type === 'port') m.port.onmessage = onMessage; // the decoder Worker's end
      else if (m.type === 'extra-delay') this.buffer.targetExtraMs = m.ms;
      else if (m.type === 'flush') this.buffer = new AudioJitterBuffer({ sampleRate: rate, channels }, policy);
    };
    this.port.onmessage = onMessage;
  }

  process(inputs, outputs) {
    const out = outputs[0];
    const b = this.buffer;
    const startPlayhead = b.playheadSec;
    const wasPlaying = b.playing;
    const startCtx = currentTime; // context time of this block's first frame
    b.pull(out);
    if (++this.blocks % REPORT_EVERY_BLOCKS === 0) {
      this.port.postMessage({ type: 'clock', contextTimeSec: startCtx, playheadSec: startPlayhead, playing: wasPlaying && b.playing,
        ratio: b.ratio, fillMs: b.fillMs, targetMs: b.targetMs, underruns: b.underruns, lateUnderruns: b.lateUnderruns || 0, drops: b.drops, resets: b.resets, stale: b.stale,
        lags: this.lags });
      this.lags = [];
    }
    return true;
  }
}

registerProcessor('feed-audio', FeedAudioProcessor);
