// The AudioWorklet of the WebCodecs path: decoded PCM in (port messages), the jitter buffer of lib/playout.js
// out to the speakers, and every ~20 ms a report of which media time it is reading and at what ratio, so the
// page can put video frames on the audio clock. Built as its own bundle (build.mjs): worklet scope, no DOM.
import { AudioJitterBuffer } from './lib/playout.js';

const REPORT_EVERY_BLOCKS = 8; // 128-frame blocks: ~21 ms at 48 kHz

class FeedAudioProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const { sampleRate: rate, channels, policy } = options.processorOptions;
    this.buffer = new AudioJitterBuffer({ sampleRate: rate, channels }, policy);
    this.blocks = 0;
    this.port.onmessage = (ev) => {
      const m = ev.data;
      if (m.type === 'pcm') this.buffer.push(m.startSec, m.planes);
      else if (m.type === 'extra-delay') this.buffer.targetExtraMs = m.ms;
      else if (m.type === 'flush') this.buffer = new AudioJitterBuffer({ sampleRate: rate, channels }, policy);
    };
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
        ratio: b.ratio, fillMs: b.fillMs, targetMs: b.targetMs, underruns: b.underruns, lateUnderruns: b.lateUnderruns || 0, drops: b.drops, resets: b.resets });
    }
    return true;
  }
}

registerProcessor('feed-audio', FeedAudioProcessor);
