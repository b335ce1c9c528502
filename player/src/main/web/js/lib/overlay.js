// Drawing and pointing over the shared picture, the pure half: desktop-normalised coordinates (0..1 of the
// picture, so a point lands on the same desktop spot at any window size), stroke simplification, the
// limits of docs/room-api.md "Drawing and pointing", the room's strokes as a fold over event-socket
// messages, and a pointer-rate gate. No DOM; unit-tested with node --test.

/** The controller's bounds (docs/room-api.md); the page keeps under them so nothing it sends is refused. */
export const LIMITS = Object.freeze({
  maxPointsPerStroke: 1000,
  minWidth: 1,
  maxWidth: 48,
  tools: Object.freeze(['pen', 'highlighter', 'arrow']),
  strokeId: /^[A-Za-z0-9_-]{1,40}$/,
  color: /^#[0-9a-fA-F]{6}$/,
  maxMessageChars: 32 * 1024,
});

/** Stroke widths are pixels of a 1080-line picture; this many pixels on a picture `pictureHeight` tall (at least 2, to stay visible). */
export function widthPx(width, pictureHeight) {
  return Math.max(2, (width * pictureHeight) / 1080);
}

const clamp01 = (v) => Math.min(1, Math.max(0, v));
const round4 = (v) => Math.round(v * 10_000) / 10_000;

/**
 * A point in the same coordinates as `rect` (client or box pixels) → desktop-normalised, clamped to the picture.
 * @returns {{x:number, y:number, inside:boolean}}
 */
export function toNormalised(px, py, rect) {
  const u = (px - rect.x) / rect.width;
  const v = (py - rect.y) / rect.height;
  const inside = u >= 0 && u <= 1 && v >= 0 && v <= 1;
  return { x: round4(clamp01(u)), y: round4(clamp01(v)), inside };
}

/** Desktop-normalised → a point in `rect`'s coordinates. */
export function fromNormalised(x, y, rect) {
  return { x: rect.x + x * rect.width, y: rect.y + y * rect.height };
}

/**
 * Ramer-Douglas-Peucker: drops points closer than `tolerance` to the line through their neighbours. Points
 * are [x, y] pairs; `aspect` (picture width / height) makes the tolerance the same in both directions. Keeps
 * the first and last point; iterative, so a long stroke cannot overflow the stack.
 */
export function simplify(points, tolerance = 0.0008, aspect = 16 / 9) {
  if (points.length <= 2) return points.slice();
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  const stack = [[0, points.length - 1]];
  while (stack.length) {
    const [first, last] = stack.pop();
    const [ax, ay] = points[first];
    const [bx, by] = points[last];
    const dx = (bx - ax) * aspect;
    const dy = by - ay;
    const len = Math.hypot(dx, dy);
    let worst = -1;
    let worstDist = tolerance;
    for (let i = first + 1; i < last; i++) {
      const px = (points[i][0] - ax) * aspect;
      const py = points[i][1] - ay;
      const dist = len === 0 ? Math.hypot(px, py) : Math.abs(px * dy - py * dx) / len;
      if (dist > worstDist) { worst = i; worstDist = dist; }
    }
    if (worst > 0) {
      keep[worst] = 1;
      stack.push([first, worst], [worst, last]);
    }
  }
  return points.filter((_, i) => keep[i]);
}

/** The `annotate` message for a stroke, or throws with what is wrong (so the page never sends what the controller refuses). */
export function annotateMessage({ id, tool, color, width, points }) {
  if (!LIMITS.strokeId.test(id)) throw new Error(`stroke id ${id} is not 1-40 of A-Z a-z 0-9 _ -`);
  if (!LIMITS.tools.includes(tool)) throw new Error(`unknown tool ${tool}`);
  if (!LIMITS.color.test(color)) throw new Error(`colour ${color} is not #rrggbb`);
  if (!(width >= LIMITS.minWidth && width <= LIMITS.maxWidth)) throw new Error(`width ${width} out of ${LIMITS.minWidth}..${LIMITS.maxWidth}`);
  if (!Array.isArray(points) || points.length === 0 || points.length > LIMITS.maxPointsPerStroke) throw new Error(`a stroke has 1..${LIMITS.maxPointsPerStroke} points`);
  if (tool === 'arrow' && points.length < 2) throw new Error('an arrow needs two points');
  return { type: 'annotate', id, tool, color, width, points: points.map(([x, y]) => [round4(clamp01(x)), round4(clamp01(y))]) };
}

/** Whether a received `annotation` (or snapshot entry) is one the page can draw; anything else is ignored. */
export function isDrawable(a) {
  return !!a && typeof a.id === 'string' && typeof a.author === 'string' && LIMITS.tools.includes(a.tool)
    && LIMITS.color.test(a.color) && Number.isFinite(a.width) && Array.isArray(a.points) && a.points.length > 0
    && a.points.every((p) => Array.isArray(p) && p.length === 2 && Number.isFinite(p[0]) && Number.isFinite(p[1]));
}

const keyOf = (author, id) => `${author}\n${id}`;

/**
 * The room's strokes as the event socket tells them, oldest first: `snapshot` replaces all, `annotation`
 * adds or replaces (same author and id: a stroke sent progressively), `annotations-cleared` removes an
 * author's or all. Also the page's own unconfirmed strokes (drawn at once, replaced by the echo).
 */
export class StrokeStore {
  constructor() { this.strokes = new Map(); }

  /** Folds one event-socket message; returns true when the strokes changed. */
  apply(msg) {
    switch (msg && msg.type) {
      case 'snapshot':
        this.strokes.clear();
        for (const a of Array.isArray(msg.annotations) ? msg.annotations : []) this.put(a);
        return true;
      case 'annotation':
        return this.put(msg);
      case 'annotations-cleared':
        if (msg.all) { const had = this.strokes.size > 0; this.strokes.clear(); return had; }
        return this.removeAuthor(msg.author);
      default:
        return false;
    }
  }

  put(a) {
    if (!isDrawable(a)) return false;
    const key = keyOf(a.author, a.id);
    this.strokes.delete(key); // re-inserted: the newest is drawn on top
    this.strokes.set(key, a);
    return true;
  }

  remove(author, id) { return this.strokes.delete(keyOf(author, id)); }

  removeAuthor(author) {
    let changed = false;
    for (const [key, s] of this.strokes) if (s.author === author) { this.strokes.delete(key); changed = true; }
    return changed;
  }

  list() { return [...this.strokes.values()]; }
}

/**
 * Lets a pointer position through at most every `minIntervalMs`; a position held back is kept as the
 * latest, for the caller to send at the next chance (`flush`). Time is passed in.
 */
export class RateGate {
  constructor(minIntervalMs) {
    this.minIntervalMs = minIntervalMs;
    this.lastMs = -Infinity;
    this.held = null;
  }

  /** @returns the value to send now, or null (it is held as the latest) */
  offer(value, nowMs) {
    if (nowMs - this.lastMs >= this.minIntervalMs) {
      this.lastMs = nowMs;
      this.held = null;
      return value;
    }
    this.held = value;
    return null;
  }

  /** The held value once its turn has come, else null. */
  flush(nowMs) {
    if (this.held === null || nowMs - this.lastMs < this.minIntervalMs) return null;
    const value = this.held;
    this.held = null;
    this.lastMs = nowMs;
    return value;
  }

  /** Forget what is held (the pointer left, control passed). */
  drop() { this.held = null; }
}
