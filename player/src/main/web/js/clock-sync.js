// Round-trip samples of the server clock for the delay measurement, taken from the same-origin room
// controller's HTTP Date header (readable without CORS, one-second resolution). The room controller and
// the media server run on one host and share its clock; the feed's own prft arrivals bound the estimate
// from below either way (lib/clock.js).
//
// A Date second flips between two polls: the server's clock passed S+1.000 after poll i was sent and
// before poll i+1 came back. A first coarse pass finds the edge to within the poll interval; later passes
// wake just before the predicted edge and poll back to back, which narrows it to about two round trips.
import { secondEdgeSample } from './lib/clock.js';
import { wallNowMs } from './mse-player.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function edgePass(estimator, url, maxMs, everyMs) {
  const polls = [];
  const deadline = performance.now() + maxMs;
  while (performance.now() < deadline) {
    const sentClientMs = wallNowMs();
    let res;
    try { res = await fetch(url, { method: 'HEAD', cache: 'no-store' }); } catch { return false; }
    const receivedClientMs = wallNowMs();
    const date = res.headers.get('Date');
    if (!date) return false;
    polls.push({ sentClientMs, receivedClientMs, dateSeconds: Date.parse(date) / 1000 });
    const s = secondEdgeSample(polls);
    if (s) { estimator.addRoundTrip(s.sentClientMs, s.serverMs, s.receivedClientMs); return true; }
    if (everyMs) await sleep(everyMs);
  }
  return false;
}

/** Feeds the estimator with round-trip samples; resolves true once at least one was taken. */
export async function sampleServerClock(estimator, { url = location.pathname, refinePasses = 2 } = {}) {
  if (!(await edgePass(estimator, url, 2500, 15))) return false;
  for (let i = 0; i < refinePasses; i++) {
    const est = estimator.estimate();
    const serverNowMs = wallNowMs() + est.offsetMs;
    let waitMs = Math.ceil(serverNowMs / 1000) * 1000 - serverNowMs - 40;
    if (waitMs < 0) waitMs += 1000;
    await sleep(waitMs);
    await edgePass(estimator, url, 150, 0);
  }
  return true;
}
