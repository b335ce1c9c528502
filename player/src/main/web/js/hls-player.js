// Fallback when the WebSocket feed cannot be used (no MediaSource for the codecs, or WebSockets blocked):
// LL-HLS through hls.js, or the browser's own HLS where it has it (Safari, iOS).
import Hls from 'hls.js';
import { PlayerMeter } from './lib/meter.js';
import { wallNowMs } from './mse-player.js';
import { HlsTokenRenewal } from './lib/hls-token.js';

export function canPlayHls(video) {
  return Hls.isSupported() || video.canPlayType('application/vnd.apple.mpegurl') !== '';
}

export class HlsPlayer {
  /**
   * renewUrl: async () => a fresh playlist URL from the room controller (throws when it refuses: the page's
   * fatal path), asked when the media server answers 403.
   */
  constructor(video, playlistUrl, { clock, log = console, onState = () => {}, renewUrl = null } = {}) {
    this.video = video;
    this.clock = clock;
    this.log = log;
    this.renewal = new HlsTokenRenewal();
    this.playlistUrl = playlistUrl;
    this.renewing = false;
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
      this.hls.on(Hls.Events.FRAG_LOADED, (_e, data) => { this.renewal.fragmentLoaded(); this.meter.bytesIn.add(data.frag.stats.loaded || 0, wallNowMs()); });
      this.hls.on(Hls.Events.MANIFEST_PARSED, () => { onState('live'); video.play().catch(() => {}); });
      this.hls.on(Hls.Events.ERROR, (_e, data) => {
        log.warn(`hls: ${data.type} ${data.details}${data.fatal ? ' (fatal)' : ''}${data.response && data.response.code ? ` (HTTP ${data.response.code})` : ''}`);
        if (data.type === Hls.ErrorTypes.NETWORK_ERROR && data.response && data.response.code === 403 && renewUrl) {
          this.#renew(renewUrl, onState);
          return;
        }
        if (!data.fatal || this.renewing) return;
        if (data.type === Hls.ErrorTypes.MEDIA_ERROR) this.hls.recoverMediaError();
        else { onState('reconnecting'); setTimeout(() => { if (!this.destroyed) this.hls.loadSource(this.playlistUrl); }, 2000); }
      });
      this.hls.loadSource(playlistUrl);
      this.hls.attachMedia(video);
    } else {
      video.src = playlistUrl;
      video.addEventListener('loadedmetadata', () => { onState('live'); video.play().catch(() => {}); }, { once: true });
    }
    this.timer = setInterval(() => this.#sampleDelay(), 250);
  }

  get tokenRenewals() { return this.renewal.renewals; }

  async #renew(renewUrl, onState) {
    if (this.renewing || this.destroyed) return;
    if (this.renewal.refused() === 'refused') {
      this.log.warn('hls: media token refused again after a renewal, giving up');
      this.hls.stopLoad();
      onState('refused');
      return;
    }
    this.renewing = true;
    this.hls.stopLoad();
    onState('reconnecting');
    this.log.info(`hls: 403, asking the room controller for a fresh media token (renewal ${this.renewal.renewals})`);
    try {
      const url = await renewUrl();
      this.playlistUrl = url;
      if (!this.destroyed) this.hls.loadSource(url);
    } catch (e) {
      if (this.destroyed) return; // the page ended the session (its own message says why)
      this.log.warn(`hls: no fresh media token (${e.message})`);
      if (e.code === 'server_down') { // the room controller is away: the next 403 asks again, 2 s on
        this.renewal.unanswered();
        setTimeout(() => { if (!this.destroyed) this.hls.loadSource(this.playlistUrl); }, 2000);
      } else {
        onState('refused');
      }
    } finally {
      this.renewing = false;
    }
  }

  /** EXT-X-PROGRAM-DATE-TIME of the playing position, when the playlist carries it. */
  #sampleDelay() {
    const playingDate = this.hls ? this.hls.playingDate : (this.video.getStartDate?.()?.getTime() ? new Date(this.video.getStartDate().getTime() + this.video.currentTime * 1000) : null);
    const est = this.clock && this.clock.estimate();
    if (!playingDate || Number.isNaN(playingDate.getTime())) return;
    this.meter.addDelay(wallNowMs() + (est ? est.offsetMs : 0) - playingDate.getTime());
  }

  destroy() {
    this.destroyed = true;
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
