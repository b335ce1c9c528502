// The feed Worker (lib/feed-worker.js has the logic): the feed's WebSocket, every message forwarded to the page,
// and with sound on the AAC frames decoded here straight to the AudioWorklet's port (lib/audio-decode.js).
// Built by build.mjs as one self-contained classic script (no module Worker needed).
import { AudioDecodeCore } from './lib/audio-decode.js';
import { FeedWorkerCore } from './lib/feed-worker.js';

const post = (m, transfer) => self.postMessage(m, transfer || []);
const audio = new AudioDecodeCore({
  AudioDecoderCtor: typeof AudioDecoder === 'function' ? AudioDecoder : null,
  EncodedAudioChunkCtor: typeof EncodedAudioChunk === 'function' ? EncodedAudioChunk : null,
  post,
});
const core = new FeedWorkerCore({ WebSocketCtor: WebSocket, post, audio, nowMs: () => performance.timeOrigin + performance.now() });
self.onmessage = (ev) => core.handle(ev.data);
post({ type: 'ready' });
