// Drawing and pointing over the shared picture, the DOM half (the pure half is lib/overlay.js). The
// annotation canvas covers exactly the video's picture (the same rectangle as the noVNC layer, set by the
// page's layout) and redraws every stroke in desktop-normalised coordinates at the current size, so a
// stroke stays on the same desktop spot at any window size. While drawing is on the canvas takes the
// pointer (the noVNC layer under it gets nothing); off, it lets every event through.
import { StrokeStore, annotateMessage, simplify, toNormalised, widthPx } from './lib/overlay.js';

export const COLORS = ['#ff3b30', '#ffcc00', '#34c759', '#0a84ff', '#ffffff'];
/** Widths in pixels of a 1080-line picture (lib/overlay.js widthPx scales them to the picture shown). */
const DEFAULT_WIDTH = { pen: 6, highlighter: 24, arrow: 6 };
/** A long stroke goes out while it is drawn (same id, replaced on the server) this often, and is split at this size. */
const PROGRESS_MS = 250;
const SPLIT_POINTS = 900;

export class AnnotationLayer {
  /**
   * @param {HTMLCanvasElement} canvas positioned by the page over the picture
   * @param {(msg: object) => boolean} send sends a message on the event socket; false when not connected
   * @param {() => string} me the member's id (the author of their strokes)
   */
  constructor(canvas, send, me, { log = console, onChange = () => {} } = {}) {
    Object.assign(this, { canvas, send, me, log, onChange });
    this.store = new StrokeStore();
    this.tool = 'pen';
    this.color = COLORS[0];
    this.drawing = false;
    this.current = null; // { id, tool, color, width, raw: [[x,y],...], sentAtMs }
    this.seq = 0;
    this.prefix = Math.random().toString(36).slice(2, 8);
    this.aspect = 16 / 9;
    canvas.addEventListener('pointerdown', (e) => this.#down(e));
    canvas.addEventListener('pointermove', (e) => this.#move(e));
    canvas.addEventListener('pointerup', (e) => this.#up(e));
    canvas.addEventListener('pointercancel', (e) => this.#up(e));
  }

  /** The picture's size changed (the page's layout): resize the backing store and redraw. */
  resize(width, height, aspect) {
    const dpr = window.devicePixelRatio || 1;
    this.aspect = aspect || width / height || 16 / 9;
    this.canvas.width = Math.max(1, Math.round(width * dpr));
    this.canvas.height = Math.max(1, Math.round(height * dpr));
    this.redraw();
  }

  setDrawing(on) {
    this.drawing = !!on;
    this.canvas.classList.toggle('drawing', this.drawing);
    if (!this.drawing && this.current) this.#finish();
  }

  /** An event-socket message (snapshot, annotation, annotations-cleared, error); others are ignored. */
  onMessage(msg) {
    if (msg.type === 'error' && msg.ref === 'annotate' && msg.id) {
      // The controller refused one of ours: it is not on anyone else's screen, so take it off ours.
      if (this.store.remove(this.me(), msg.id)) this.redraw();
      return;
    }
    if (this.store.apply(msg)) this.redraw();
  }

  clearMine() {
    this.store.removeAuthor(this.me());
    this.redraw();
    return this.send({ type: 'annotation-clear' });
  }

  clearAll() {
    return this.send({ type: 'annotation-clear', all: true });
  }

  strokes() { return this.store.list(); }

  #point(e) {
    const r = this.canvas.getBoundingClientRect();
    const n = toNormalised(e.clientX, e.clientY, { x: r.left, y: r.top, width: r.width, height: r.height });
    return [n.x, n.y];
  }

  #down(e) {
    if (!this.drawing || e.button !== 0) return;
    e.preventDefault();
    this.canvas.setPointerCapture(e.pointerId);
    this.current = this.#newStroke([this.#point(e)]);
    this.#drawLocal();
  }

  #newStroke(raw) {
    return { id: `${this.prefix}-${++this.seq}`, tool: this.tool, color: this.color, width: DEFAULT_WIDTH[this.tool], raw, sentAtMs: performance.now() };
  }

  #move(e) {
    if (!this.current) return;
    const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
    for (const ev of events.length ? events : [e]) this.current.raw.push(this.#point(ev));
    if (this.current.tool === 'arrow') this.current.raw = [this.current.raw[0], this.current.raw[this.current.raw.length - 1]];
    if (this.current.raw.length > SPLIT_POINTS * 4 && simplify(this.current.raw, 0.0008, this.aspect).length > SPLIT_POINTS) {
      // Long enough for its own message: finish this piece and go on from its last point under a new id.
      const last = this.current.raw[this.current.raw.length - 1];
      this.#finish();
      this.current = this.#newStroke([last]);
    } else if (performance.now() - this.current.sentAtMs >= PROGRESS_MS && this.current.tool !== 'arrow') {
      this.#sendCurrent();
    }
    this.#drawLocal();
  }

  #up(e) {
    if (!this.current) return;
    if (e.type === 'pointerup') this.current.raw.push(this.#point(e));
    this.#finish();
  }

  #finish() {
    const stroke = this.current;
    this.current = null;
    if (stroke.tool === 'arrow' && (stroke.raw.length < 2 || samePoint(stroke.raw[0], stroke.raw[stroke.raw.length - 1]))) {
      this.redraw(); // a click with the arrow tool draws nothing
      return;
    }
    this.#sendStroke(stroke);
  }

  #sendCurrent() {
    this.current.sentAtMs = performance.now();
    this.#sendStroke(this.current);
  }

  #sendStroke(stroke) {
    const points = simplify(stroke.raw, 0.0008, this.aspect).slice(0, 1000);
    let msg;
    try {
      msg = annotateMessage({ id: stroke.id, tool: stroke.tool, color: stroke.color, width: stroke.width, points });
    } catch (err) {
      this.log.warn(`annotate: not sent: ${err.message}`);
      return;
    }
    // Drawn at once as ours; the controller's echo (same author and id) replaces it.
    this.store.put({ ...msg, type: 'annotation', author: this.me(), name: '' });
    if (!this.send(msg)) this.log.warn('annotate: the event socket is not open; the stroke is only on this screen');
    this.redraw();
    this.onChange();
  }

  #drawLocal() {
    this.redraw();
    if (this.current) {
      const { tool, color, width, raw } = this.current;
      paint(this.#ctx(), { tool, color, width, points: raw }, this.canvas.width, this.canvas.height);
    }
  }

  #ctx() { return this.canvas.getContext('2d'); }

  redraw() {
    const ctx = this.#ctx();
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    for (const s of this.store.list()) paint(ctx, s, this.canvas.width, this.canvas.height);
  }
}

const samePoint = (a, b) => a[0] === b[0] && a[1] === b[1];

/** One stroke on a canvas of w x h device pixels (the picture). */
export function paint(ctx, s, w, h) {
  const pts = s.points;
  if (!pts.length) return;
  const lw = widthPx(s.width, h);
  ctx.save();
  ctx.strokeStyle = s.color;
  ctx.fillStyle = s.color;
  ctx.lineWidth = lw;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  if (s.tool === 'highlighter') { ctx.globalAlpha = 0.35; ctx.lineCap = 'butt'; ctx.lineJoin = 'bevel'; }
  if (pts.length === 1) {
    ctx.beginPath();
    ctx.arc(pts[0][0] * w, pts[0][1] * h, lw / 2, 0, Math.PI * 2);
    ctx.fill();
    ctx.restore();
    return;
  }
  ctx.beginPath();
  ctx.moveTo(pts[0][0] * w, pts[0][1] * h);
  if (s.tool === 'arrow') {
    const [x0, y0] = [pts[0][0] * w, pts[0][1] * h];
    const [x1, y1] = [pts[pts.length - 1][0] * w, pts[pts.length - 1][1] * h];
    ctx.lineTo(x1, y1);
    ctx.stroke();
    const angle = Math.atan2(y1 - y0, x1 - x0);
    const head = Math.max(10, lw * 3.5);
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - head * Math.cos(angle - Math.PI / 7), y1 - head * Math.sin(angle - Math.PI / 7));
    ctx.lineTo(x1 - head * Math.cos(angle + Math.PI / 7), y1 - head * Math.sin(angle + Math.PI / 7));
    ctx.closePath();
    ctx.fill();
  } else {
    for (let i = 1; i < pts.length; i++) ctx.lineTo(pts[i][0] * w, pts[i][1] * h);
    ctx.stroke();
  }
  ctx.restore();
}

/**
 * The control holder's pointer for everyone else: a labelled arrow drawn at the position the event socket
 * gives, at once (the video's own cursor follows after the video's delay). Positions are desktop-normalised;
 * `place` maps them into the stage.
 */
export class RemoteCursor {
  constructor(el, label) {
    Object.assign(this, { el, label });
    this.memberId = null;
    this.x = 0;
    this.y = 0;
  }

  show(memberId, name, x, y, rect) {
    this.memberId = memberId;
    this.x = x;
    this.y = y;
    this.label.textContent = name || 'in control';
    this.el.dataset.memberId = memberId;
    this.place(rect);
    this.el.hidden = false;
  }

  /** Re-place after a layout change; `rect` is the picture in stage coordinates. */
  place(rect) {
    if (!this.memberId || !rect) return;
    this.el.style.transform = `translate(${rect.x + this.x * rect.width}px, ${rect.y + this.y * rect.height}px)`;
  }

  hide(memberId = null) {
    if (memberId && memberId !== this.memberId) return;
    this.memberId = null;
    this.el.hidden = true;
  }
}
