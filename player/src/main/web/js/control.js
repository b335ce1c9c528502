// Control of the desktop through noVNC, for the member who holds control only. noVNC sits on a
// transparent layer sized to exactly the video's picture (see lib/geometry.js); its own canvas is made
// invisible because the video is the picture. Input (keys, pointer, wheel, clipboard) goes to the desktop;
// the member's own pointer is drawn at once over the video so the video's delay is visible.
import { wsUrl } from './api.js';

/**
 * noVNC is loaded when first needed (or by preloadRfb once the picture is up), not before the first picture:
 * it is most of the page's script and only the member in control uses it.
 */
let rfbModule = null;
export const preloadRfb = () => (rfbModule ||= import('@novnc/novnc').then((m) => m.default));
export class DesktopControl {
  /**
   * @param {HTMLElement} layer the transparent element positioned over the picture
   * @param {HTMLElement} pointerMark element drawn at the member's pointer
   */
  constructor(layer, pointerMark, { onStatus = () => {}, log = console } = {}) {
    Object.assign(this, { layer, pointerMark, onStatus, log });
    this.rfb = null;
    this.lastClipboard = null;
    this.onMove = (e) => {
      const r = this.layer.getBoundingClientRect();
      this.pointerMark.style.transform = `translate(${e.clientX - r.left}px, ${e.clientY - r.top}px)`;
      this.pointerMark.hidden = false;
    };
    this.onLeave = () => { this.pointerMark.hidden = true; };
    this.onFocus = () => this.pushClipboard();
  }

  get connected() { return this.rfb !== null; }

  /** Connects to WS /rooms/{id}/vnc?token=<single-use VNC token>. */
  async connect(roomId, vncToken, vncUrl) {
    this.disconnect();
    const attempt = this.attempt;
    this.onStatus('connecting');
    const RFB = await preloadRfb();
    if (attempt !== this.attempt) return; // disconnected (or connected again) while noVNC loaded
    const base = vncUrl || `/rooms/${encodeURIComponent(roomId)}/vnc`;
    const url = new URL(wsUrl(base));
    url.searchParams.set('token', vncToken);
    const rfb = new RFB(this.layer, url.toString(), { wsProtocols: ['binary'], shared: true });
    this.rfb = rfb;
    rfb.background = 'transparent';
    rfb.scaleViewport = true; // fit the framebuffer to the layer, which is the picture's rectangle
    rfb.clipViewport = false;
    rfb.resizeSession = false;
    rfb.focusOnClick = true;
    rfb.qualityLevel = 0; // the canvas is invisible: spend as little as possible on framebuffer updates
    rfb.compressionLevel = 9;
    rfb.showDotCursor = true;
    const canvas = this.layer.querySelector('canvas');
    if (canvas) canvas.style.opacity = '0';
    rfb.addEventListener('connect', () => { this.onStatus('connected'); rfb.focus(); this.pushClipboard(); });
    rfb.addEventListener('disconnect', (e) => {
      if (this.rfb === rfb) this.rfb = null;
      this.onStatus(e.detail.clean ? 'disconnected' : 'failed');
    });
    rfb.addEventListener('securityfailure', (e) => this.log.warn(`vnc: security failure ${e.detail.reason || ''}`));
    rfb.addEventListener('clipboard', (e) => {
      this.lastClipboard = e.detail.text;
      navigator.clipboard?.writeText(e.detail.text).catch(() => {});
    });
    this.layer.addEventListener('pointermove', this.onMove);
    this.layer.addEventListener('pointerleave', this.onLeave);
    window.addEventListener('focus', this.onFocus);
    this.layer.classList.add('active');
  }

  /** Sends text to the desktop's clipboard (the member then pastes there with Ctrl+V). */
  sendClipboard(text) {
    if (!this.rfb || typeof text !== 'string') return;
    this.lastClipboard = text;
    this.rfb.clipboardPasteFrom(text);
  }

  /** The browser's clipboard, if the member allowed reading it, goes to the desktop on focus. */
  pushClipboard() {
    if (!this.rfb || !navigator.clipboard?.readText) return;
    navigator.clipboard.readText().then((t) => { if (t && t !== this.lastClipboard) this.sendClipboard(t); }).catch(() => {});
  }

  focus() { if (this.rfb) this.rfb.focus(); }

  disconnect() {
    this.attempt = (this.attempt || 0) + 1;
    this.layer.removeEventListener('pointermove', this.onMove);
    this.layer.removeEventListener('pointerleave', this.onLeave);
    window.removeEventListener('focus', this.onFocus);
    this.layer.classList.remove('active');
    this.pointerMark.hidden = true;
    if (this.rfb) { const r = this.rfb; this.rfb = null; r.disconnect(); }
  }
}
