// Fallback when the WebSocket feed cannot be used (no MediaSource for the codecs, or WebSockets blocked):
// LL-HLS through hls.js, or the browser's own HLS where it has it (Safari, iOS).
import Hls from 'hls.js';
import { PlayerMeter } from './lib/meter.js';
import { wallNowMs } from './mse-player.js';

export function canPlayHls(video) {
  return Hls.isSupported() || video.canPlayType('application/vnd.apple.mpegurl') !== '';
}

export class HlsPlayer {
  constructor(video, playlistUrl, { clock, log = console, onState = () => {} } = {}) {
    this.video = video;
    this.clock = clock;
    this.meter = new PlayerMeter({ clock, bytesWindowMs: 4000 });
    if (Hls.isSupported()) {
      this.hls = new Hls({
        lowLatencyMode: true,
        backBufferLength: 6,
        // Measured against our LL-HLS (docs/hls.md): hls.js's defaults join at the keyframe part before the edge
        // and never catch up (1.2-3.3 s); holding 0.7 s behind with a 1.1x catch-up gave 0.87-0.96 s p50.
        liveSyncDuration: 0.7,
        liveMaxLatencyDuration: 1.1,
        maxLiveSyncPlaybackRate: 1.1,
      });
      this.hls.on(Hls.Events.FRAG_LOADED, (_e, data) => this.meter.bytesIn.add(data.frag.stats.loaded || 0, wallNowMs()));
      this.hls.on(Hls.Events.MANIFEST_PARSED, () => { onState('live'); video.play().catch(() => {}); });
      this.hls.on(Hls.Events.ERROR, (_e, data) => {
        log.warn(`hls: ${data.type} ${data.details}${data.fatal ? ' (fatal)' : ''}`);
        if (!data.fatal) return;
        if (data.type === Hls.ErrorTypes.MEDIA_ERROR) this.hls.recoverMediaError();
        else { onState('reconnecting'); setTimeout(() => this.hls.loadSource(playlistUrl), 2000); }
      });
      this.hls.loadSource(playlistUrl);
      this.hls.attachMedia(video);
    } else {
      video.src = playlistUrl;
      video.addEventListener('loadedmetadata', () => { onState('live'); video.play().catch(() => {}); }, { once: true });
    }
    this.timer = setInterval(() => this.#sampleDelay(), 250);
  }

  /** EXT-X-PROGRAM-DATE-TIME of the playing position, when the playlist carries it. */
  #sampleDelay() {
    const playingDate = this.hls ? this.hls.playingDate : (this.video.getStartDate?.()?.getTime() ? new Date(this.video.getStartDate().getTime() + this.video.currentTime * 1000) : null);
    const est = this.clock && this.clock.estimate();
    if (!playingDate || Number.isNaN(playingDate.getTime())) return;
    this.meter.addDelay(wallNowMs() + (est ? est.offsetMs : 0) - playingDate.getTime());
  }

  destroy() {
    clearInterval(this.timer);
    if (this.hls) this.hls.destroy();
  }

  stats() {
    const v = this.video;
    const b = v.buffered;
    return {
      ...this.meter.fields(wallNowMs()),
      transport: this.hls ? 'll-hls (hls.js)' : 'hls (native)',
      mode: 'hls',
      width: v.videoWidth,
      height: v.videoHeight,
      fps: NaN, // no per-frame callback counted on this path
      bufferedSec: b.length ? b.end(b.length - 1) - v.currentTime : 0,
      playbackRate: v.playbackRate,
      seeks: 0,
      droppedFrames: v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality().droppedVideoFrames : 0,
      generation: null,
    };
  }
}
