import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClockOffsetEstimator, secondEdgeSample } from '../../main/web/js/lib/clock.js';

test('estimate_noSamples_isNull', () => {
  assert.equal(new ClockOffsetEstimator().estimate(), null);
});

test('estimate_roundTrips_usesShortestRoundTrip', () => {
  const c = new ClockOffsetEstimator();
  // true offset +5000 ms; the 100 ms round trip is asymmetric, the 10 ms one is tight
  c.addRoundTrip(1000, 6090, 1100);
  c.addRoundTrip(2000, 7005, 2010);
  const e = c.estimate();
  assert.equal(e.source, 'round-trip');
  assert.equal(e.offsetMs, 5000);
  assert.equal(e.uncertaintyMs, 5);
});

test('estimate_oneWayOnly_usesCausalityBound', () => {
  const c = new ClockOffsetEstimator();
  // server is 5000 ms ahead; transits 3, 1, 8 ms
  c.addOneWay(6000, 1003);
  c.addOneWay(6100, 1101);
  c.addOneWay(6200, 1208);
  const e = c.estimate();
  assert.equal(e.source, 'one-way');
  assert.equal(e.offsetMs, 4999);
});

test('estimate_oneWayAboveRoundTripCentre_narrowsInterval', () => {
  const c = new ClockOffsetEstimator();
  c.addRoundTrip(0, 5050, 100); // offset in [4950, 5050], centre 5000
  c.addOneWay(6030, 1000); // offset >= 5030
  const e = c.estimate();
  assert.equal(e.source, 'round-trip+one-way');
  assert.equal(e.offsetMs, 5040);
  assert.equal(e.uncertaintyMs, 10);
});

test('addOneWay_oldBoundsOutsideWindow_areForgotten', () => {
  const c = new ClockOffsetEstimator({ oneWayWindowMs: 1000 });
  c.addOneWay(9000, 1000); // bound 8000 (an early, wrong-clock sample)
  c.addOneWay(7000, 3000); // bound 4000, two seconds later
  assert.equal(c.oneWayLowerBoundMs(), 4000);
});

test('secondEdgeSample_dateSecondChanges_bracketsTheEdge', () => {
  const polls = [
    { sentClientMs: 100, receivedClientMs: 110, dateSeconds: 50 },
    { sentClientMs: 130, receivedClientMs: 140, dateSeconds: 50 },
    { sentClientMs: 160, receivedClientMs: 171, dateSeconds: 51 },
  ];
  assert.deepEqual(secondEdgeSample(polls), { sentClientMs: 130, serverMs: 51000, receivedClientMs: 171 });
});

test('secondEdgeSample_noChange_isNull', () => {
  assert.equal(secondEdgeSample([{ sentClientMs: 0, receivedClientMs: 1, dateSeconds: 3 }]), null);
});
