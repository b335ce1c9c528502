// Inlined into room.html by build.mjs (a classic script, run during the parse): opens the feed early, see lib/early-feed.js.
import { openEarlyFeed } from './lib/early-feed.js';

try {
  window.shareSpaceEarlyFeed = openEarlyFeed({ href: location.href, search: location.search, hash: location.hash, storage: sessionStorage,
    WebSocketCtor: WebSocket, nowMs: () => performance.timeOrigin + performance.now() });
} catch { /* the page opens its feed itself */ }
