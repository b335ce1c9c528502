// Round-trip samples of the server clock for the delay measurement, taken from the same-origin room
// controller's HTTP Date header (readable without CORS). The room controller and the media server run on
// one host and share its clock; the feed's own prft arrivals bound the estimate from below either way.
import { secondEdgeSample } from './lib/clock.js';
import { wallNowMs } from './mse-player.js';

/** Polls HEAD on a same-origin URL for at most maxMs until the Date second flips; feeds the estimator. */
export async function sampleServerClock(estimator, { url = location.pathname, maxMs = 2500, everyMs = 15 } = {}) {
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
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return false;
}
