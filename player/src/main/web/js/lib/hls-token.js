// The LL-HLS player's rule for a refused media token (js/hls-player.js), apart from hls.js so node tests it.

/**
 * LL-HLS and a refused media token (403: it expired, or was revoked): ask for fresh URLs once; a 403 again before
 * any fragment loaded through them is final (the same rule as the feed's 4403, docs/protocol.md).
 */
export class HlsTokenRenewal {
  constructor() { this.renewals = 0; this.loadedSinceRenewal = true; }
  fragmentLoaded() { this.loadedSinceRenewal = true; }
  /** The room controller could not be reached: no fresh token came, so the next 403 asks again. */
  unanswered() { this.loadedSinceRenewal = true; }
  /** @returns {'renew'|'refused'} */
  refused() {
    if (!this.loadedSinceRenewal) return 'refused';
    this.loadedSinceRenewal = false;
    this.renewals++;
    return 'renew';
  }
}
