// The WebCodecs path's audio decoder, in a dedicated Worker (lib/audio-decode.js has the logic): encoded AAC in
// from the page, PCM out to the AudioWorklet's port. Built as its own bundle (build.mjs).
import { AudioDecodeCore } from './lib/audio-decode.js';

const core = new AudioDecodeCore({
  AudioDecoderCtor: typeof AudioDecoder === 'function' ? AudioDecoder : null,
  EncodedAudioChunkCtor: typeof EncodedAudioChunk === 'function' ? EncodedAudioChunk : null,
  post: (m) => self.postMessage(m),
});
self.onmessage = (ev) => core.handle(ev.data);
