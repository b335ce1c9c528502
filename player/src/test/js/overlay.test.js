import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS, widthPx, toNormalised, fromNormalised, simplify, annotateMessage, isDrawable, StrokeStore, RateGate } from '../../main/web/js/lib/overlay.js';
import { containRect } from '../../main/web/js/lib/geometry.js';

test('toNormalised_samePointAtTwoWindowSizes_sameDesktopSpot', () => {
  // A 1280x720 picture letterboxed in two boxes: the point at desktop (320, 540) maps to (0.25, 0.75) in both.
  for (const [bw, bh] of [[1000, 700], [700, 900]]) {
    const r = containRect(bw, bh, 1280, 720);
    const p = fromNormalised(0.25, 0.75, r);
    const n = toNormalised(p.x, p.y, r);
    assert.deepEqual(n, { x: 0.25, y: 0.75, inside: true });
  }
});

test('toNormalised_outsideThePicture_clampedAndFlagged', () => {
  const r = { x: 10, y: 20, width: 100, height: 50 };
  assert.deepEqual(toNormalised(0, 100, r), { x: 0, y: 1, inside: false });
  assert.deepEqual(toNormalised(60, 45, r), { x: 0.5, y: 0.5, inside: true });
});

test('widthPx_isPixelsAt1080_scaledToThePicture', () => {
  assert.equal(widthPx(4, 1080), 4);
  assert.equal(widthPx(8, 540), 4);
  assert.equal(widthPx(1, 100), 2, 'never thinner than two pixels');
});

test('simplify_straightLine_keepsEnds_cornerKept', () => {
  const line = Array.from({ length: 50 }, (_, i) => [i / 100, 0.5]);
  assert.deepEqual(simplify(line), [[0, 0.5], [0.49, 0.5]]);
  const corner = [...Array.from({ length: 10 }, (_, i) => [i / 20, 0.1]), ...Array.from({ length: 10 }, (_, i) => [0.45, 0.1 + (i + 1) / 20])];
  const s = simplify(corner);
  assert.equal(s.length, 3);
  assert.deepEqual(s[1], [0.45, 0.1]);
});

test('simplify_longWobblyStroke_noStackOverflowAndFewerPoints', () => {
  const pts = Array.from({ length: 100_000 }, (_, i) => [i / 100_000, 0.5 + 0.2 * Math.sin(i / 500)]);
  const s = simplify(pts);
  assert.ok(s.length < 1000 && s.length > 10, String(s.length));
});

test('annotateMessage_valid_roundedAndClamped', () => {
  const m = annotateMessage({ id: 'a-1', tool: 'pen', color: '#ff0000', width: 4, points: [[0.123456, -1], [2, 0.5]] });
  assert.deepEqual(m, { type: 'annotate', id: 'a-1', tool: 'pen', color: '#ff0000', width: 4, points: [[0.1235, 0], [1, 0.5]] });
  assert.ok(JSON.stringify({ ...m, points: Array(LIMITS.maxPointsPerStroke).fill([0.1234, 0.1234]) }).length < LIMITS.maxMessageChars,
    'a full stroke fits in one message');
});

test('annotateMessage_outOfBounds_throws', () => {
  const ok = { id: 'a', tool: 'pen', color: '#000000', width: 4, points: [[0, 0]] };
  for (const bad of [{ id: 'a b' }, { tool: 'laser' }, { color: 'red' }, { width: 0 }, { width: 49 }, { points: [] },
    { points: Array(1001).fill([0, 0]) }, { tool: 'arrow' }]) {
    assert.throws(() => annotateMessage({ ...ok, ...bad }), JSON.stringify(bad).slice(0, 40));
  }
});

test('isDrawable_rejectsMalformed', () => {
  const a = { type: 'annotation', id: 's', author: 'm', name: 'M', tool: 'pen', color: '#00ff00', width: 3, points: [[0, 1]] };
  assert.ok(isDrawable(a));
  assert.ok(!isDrawable({ ...a, color: 'url(x)' }));
  assert.ok(!isDrawable({ ...a, points: [[0, 'x']] }));
  assert.ok(!isDrawable({ ...a, tool: 'erase' }));
});

const stroke = (author, id, extra = {}) => ({ type: 'annotation', id, author, name: author, tool: 'pen', color: '#ff0000', width: 4, points: [[0.1, 0.1]], ...extra });

test('StrokeStore_snapshotAnnotationClear_foldsInOrder', () => {
  const s = new StrokeStore();
  s.apply({ type: 'snapshot', room: {}, annotations: [stroke('a', '1'), stroke('b', '1')] });
  assert.deepEqual(s.list().map((x) => `${x.author}:${x.id}`), ['a:1', 'b:1']);
  s.apply(stroke('a', '1', { points: [[0.1, 0.1], [0.2, 0.2]] })); // grown: replaced, now on top
  assert.deepEqual(s.list().map((x) => `${x.author}:${x.id}:${x.points.length}`), ['b:1:1', 'a:1:2']);
  assert.equal(s.apply({ type: 'annotations-cleared', author: 'a', by: 'a' }), true);
  assert.deepEqual(s.list().map((x) => x.author), ['b']);
  s.apply(stroke('c', '9', { color: 'javascript:1' })); // malformed: ignored
  assert.equal(s.list().length, 1);
  assert.equal(s.apply({ type: 'annotations-cleared', all: true, by: 'o' }), true);
  assert.equal(s.list().length, 0);
  assert.equal(s.apply({ type: 'presence' }), false);
});

test('RateGate_fastPointer_throttledAndLatestKept', () => {
  const g = new RateGate(20);
  assert.equal(g.offer('p0', 0), 'p0');
  assert.equal(g.offer('p1', 5), null);
  assert.equal(g.offer('p2', 10), null);
  assert.equal(g.flush(15), null, 'not yet');
  assert.equal(g.flush(20), 'p2', 'the latest, not p1');
  assert.equal(g.flush(40), null, 'nothing held');
  let sent = 0;
  for (let t = 100; t < 1100; t++) { if (g.offer(t, t) !== null) sent++; } // a 1 kHz pointer
  assert.equal(sent, 50);
  g.offer('x', 1100.5); g.drop();
  assert.equal(g.flush(2000), null);
});
