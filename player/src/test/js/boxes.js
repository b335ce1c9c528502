// Test-only box writer, sharing no code with src/main/web/js/lib/mp4.js.
export function box(type, ...payloads) {
  const body = Buffer.concat(payloads.map((p) => Buffer.from(p)));
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}
export function u32(...values) {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
  return b;
}
export function u64(value) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(value));
  return b;
}
/** prft version 1 for a Unix time in ms. */
export function prft(trackId, unixMs, mediaTime) {
  const ntpSeconds = Math.floor(unixMs / 1000) + 2208988800;
  const fraction = Math.round(((unixMs % 1000) / 1000) * 2 ** 32);
  return box('prft', u32(0x01000000, trackId, ntpSeconds, fraction), u64(mediaTime));
}
export function u8(buffer) {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
