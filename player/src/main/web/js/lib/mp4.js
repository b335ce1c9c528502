// Reads the ISO-BMFF boxes of the WebSocket feed (docs/protocol.md): the init segment (ftyp + moov) and
// the fragments (prft + moof + mdat). Read-only except splitInitByTrack, which rebuilds a one-track init.
// Pure functions, no DOM: unit-tested under node.

/** One error type; `kind` tells malformed input from a valid feature this reader does not handle. */
export class Mp4Error extends Error {
  constructor(kind, message) {
    super(message);
    this.name = 'Mp4Error';
    this.kind = kind;
  }
  static malformed(message) { return new Mp4Error('malformed', message); }
  static unsupported(message) { return new Mp4Error('unsupported', message); }
}

/** Seconds between the NTP epoch (1900) and the Unix epoch (1970). */
const NTP_UNIX_OFFSET_SECONDS = 2208988800;

function fourcc(u8, at) {
  return String.fromCharCode(u8[at], u8[at + 1], u8[at + 2], u8[at + 3]);
}

function viewOf(u8) {
  return new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
}

/**
 * Walks the boxes in u8[start, end). Every size is checked against the bytes that are really there.
 * Yields {type, start, end, payloadStart}.
 */
export function* boxes(u8, start = 0, end = u8.byteLength) {
  const view = viewOf(u8);
  let at = start;
  while (at < end) {
    if (end - at < 8) throw Mp4Error.malformed(`truncated box header at ${at}`);
    let sizeBytes = view.getUint32(at);
    const type = fourcc(u8, at + 4);
    let headerBytes = 8;
    if (sizeBytes === 1) {
      if (end - at < 16) throw Mp4Error.malformed(`truncated largesize of ${type} at ${at}`);
      sizeBytes = Number(view.getBigUint64(at + 8));
      headerBytes = 16;
    } else if (sizeBytes === 0) {
      sizeBytes = end - at; // box extends to the end of the enclosing space
    }
    if (sizeBytes < headerBytes || at + sizeBytes > end) {
      throw Mp4Error.malformed(`box ${type} at ${at} claims ${sizeBytes} bytes, ${end - at} left`);
    }
    yield { type, start: at, end: at + sizeBytes, payloadStart: at + headerBytes };
    at += sizeBytes;
  }
}

function child(u8, box, type) {
  for (const b of boxes(u8, box.payloadStart, box.end)) if (b.type === type) return b;
  return null;
}

function children(u8, box, type) {
  const out = [];
  for (const b of boxes(u8, box.payloadStart, box.end)) if (b.type === type) out.push(b);
  return out;
}

function need(box, bytes) {
  if (box.end - box.payloadStart < bytes) {
    throw Mp4Error.malformed(`${box.type} too short: ${box.end - box.payloadStart} < ${bytes} bytes`);
  }
}

/** Converts a 64-bit NTP timestamp (seconds since 1900 in 32.32 fixed point) to Unix milliseconds. */
export function ntpToUnixMs(seconds, fraction) {
  return (seconds - NTP_UNIX_OFFSET_SECONDS) * 1000 + (fraction * 1000) / 0x100000000;
}

/**
 * prft (ISO/IEC 14496-12 8.16.5): the wall-clock time at which the server received the sample.
 * @returns {{referenceTrackId:number, wallClockMs:number, mediaTime:number}}
 */
export function readPrft(u8, box) {
  const view = viewOf(u8);
  const p = box.payloadStart;
  need(box, 4 + 4 + 8 + 4);
  const version = u8[p]; // unsigned int(8) version; bit(24) flags
  // unsigned int(32) reference_track_ID
  const referenceTrackId = view.getUint32(p + 4);
  // unsigned int(64) ntp_timestamp
  const wallClockMs = ntpToUnixMs(view.getUint32(p + 8), view.getUint32(p + 12));
  let mediaTime;
  if (version === 0) {
    mediaTime = view.getUint32(p + 16); // unsigned int(32) media_time
  } else if (version === 1) {
    need(box, 4 + 4 + 8 + 8);
    mediaTime = Number(view.getBigUint64(p + 16)); // unsigned int(64) media_time
  } else {
    throw Mp4Error.unsupported(`prft version ${version}`);
  }
  return { referenceTrackId, wallClockMs, mediaTime };
}

function readTraf(u8, traf) {
  const view = viewOf(u8);
  const tfhd = child(u8, traf, 'tfhd');
  if (!tfhd) throw Mp4Error.malformed('traf without tfhd');
  need(tfhd, 8);
  const tfhdFlags = view.getUint32(tfhd.payloadStart) & 0xffffff;
  const trackId = view.getUint32(tfhd.payloadStart + 4); // unsigned int(32) track_ID
  let at = tfhd.payloadStart + 8;
  if (tfhdFlags & 0b1) at += 8; // base_data_offset_present: unsigned int(64)
  if (tfhdFlags & 0b10) at += 4; // sample_description_index_present
  let defaultSampleDurationTicks = null;
  if (tfhdFlags & 0b1000) defaultSampleDurationTicks = view.getUint32(at); // default_sample_duration

  const tfdt = child(u8, traf, 'tfdt');
  if (!tfdt) throw Mp4Error.malformed(`traf of track ${trackId} without tfdt`);
  need(tfdt, 8);
  const tfdtVersion = u8[tfdt.payloadStart];
  let baseDecodeTimeTicks;
  if (tfdtVersion === 1) {
    need(tfdt, 12);
    baseDecodeTimeTicks = Number(view.getBigUint64(tfdt.payloadStart + 4)); // unsigned int(64) baseMediaDecodeTime
  } else {
    baseDecodeTimeTicks = view.getUint32(tfdt.payloadStart + 4); // unsigned int(32) baseMediaDecodeTime
  }

  let sampleCount = 0;
  let durationTicks = 0;
  for (const trun of children(u8, traf, 'trun')) {
    need(trun, 8);
    const flags = view.getUint32(trun.payloadStart) & 0xffffff;
    const count = view.getUint32(trun.payloadStart + 4); // unsigned int(32) sample_count
    let p = trun.payloadStart + 8;
    if (flags & 0x1) p += 4; // data_offset_present
    if (flags & 0x4) p += 4; // first_sample_flags_present
    const perSampleBytes = ((flags & 0x100) ? 4 : 0) + ((flags & 0x200) ? 4 : 0)
      + ((flags & 0x400) ? 4 : 0) + ((flags & 0x800) ? 4 : 0);
    if (p + count * perSampleBytes > trun.end) throw Mp4Error.malformed(`trun claims ${count} samples`);
    for (let i = 0; i < count; i++) {
      if (flags & 0x100) { durationTicks += view.getUint32(p); } // sample_duration_present
      else if (defaultSampleDurationTicks !== null) { durationTicks += defaultSampleDurationTicks; }
      p += perSampleBytes;
    }
    sampleCount += count;
  }
  return { trackId, baseDecodeTimeTicks, sampleCount, durationTicks };
}

/**
 * Reads one feed message: optional prft, then moof(s) + mdat(s).
 * @returns {{prft: ?object, sequenceNumber: ?number, trafs: Array, mdatBytes: number}}
 */
export function readFragment(u8) {
  const out = { prft: null, sequenceNumber: null, trafs: [], mdatBytes: 0 };
  let sawMoof = false;
  for (const box of boxes(u8)) {
    if (box.type === 'prft') {
      out.prft = readPrft(u8, box);
    } else if (box.type === 'moof') {
      sawMoof = true;
      const mfhd = child(u8, box, 'mfhd');
      if (mfhd) { need(mfhd, 8); out.sequenceNumber = viewOf(u8).getUint32(mfhd.payloadStart + 4); }
      for (const traf of children(u8, box, 'traf')) out.trafs.push(readTraf(u8, traf));
    } else if (box.type === 'mdat') {
      out.mdatBytes += box.end - box.payloadStart;
    }
  }
  if (!sawMoof) throw Mp4Error.malformed('fragment without moof');
  return out;
}

/**
 * Reads an init segment: the tracks with their ids, timescales, handlers and sample entry fourccs.
 * @returns {{tracks: Array<{trackId:number, timescale:number, handler:string, sampleEntry:string}>}}
 */
export function readInit(u8) {
  const view = viewOf(u8);
  let moov = null;
  let sawFtyp = false;
  for (const box of boxes(u8)) {
    if (box.type === 'ftyp') sawFtyp = true;
    if (box.type === 'moov') moov = box;
  }
  if (!sawFtyp || !moov) throw Mp4Error.malformed('init segment needs ftyp and moov');
  const tracks = [];
  for (const trak of children(u8, moov, 'trak')) {
    const tkhd = child(u8, trak, 'tkhd');
    const mdia = child(u8, trak, 'mdia');
    if (!tkhd || !mdia) throw Mp4Error.malformed('trak without tkhd or mdia');
    need(tkhd, 24);
    const tkhdVersion = u8[tkhd.payloadStart];
    // version 1: creation_time(64) modification_time(64) track_ID(32); version 0: (32)(32)(32)
    const trackId = view.getUint32(tkhd.payloadStart + (tkhdVersion === 1 ? 20 : 12));
    const mdhd = child(u8, mdia, 'mdhd');
    const hdlr = child(u8, mdia, 'hdlr');
    if (!mdhd || !hdlr) throw Mp4Error.malformed(`track ${trackId} without mdhd or hdlr`);
    need(mdhd, 24);
    const mdhdVersion = u8[mdhd.payloadStart];
    const timescale = view.getUint32(mdhd.payloadStart + (mdhdVersion === 1 ? 20 : 12));
    need(hdlr, 12);
    const handler = fourcc(u8, hdlr.payloadStart + 8); // unsigned int(32) handler_type after pre_defined
    let sampleEntry = null;
    const minf = child(u8, mdia, 'minf');
    const stbl = minf && child(u8, minf, 'stbl');
    const stsd = stbl && child(u8, stbl, 'stsd');
    if (stsd) {
      need(stsd, 8);
      const first = boxes(u8, stsd.payloadStart + 8, stsd.end).next();
      if (!first.done) sampleEntry = first.value.type;
    }
    if (timescale === 0) throw Mp4Error.malformed(`track ${trackId} has timescale 0`);
    tracks.push({ trackId, timescale, handler, sampleEntry });
  }
  if (tracks.length === 0) throw Mp4Error.malformed('moov without trak');
  return { tracks };
}

function writeBox(type, parts) {
  const payloadBytes = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(8 + payloadBytes);
  viewOf(out).setUint32(0, 8 + payloadBytes);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  let at = 8;
  for (const p of parts) { out.set(p, at); at += p.byteLength; }
  return out;
}

function trakTrackId(u8, trak) {
  const tkhd = child(u8, trak, 'tkhd');
  const version = u8[tkhd.payloadStart];
  return viewOf(u8).getUint32(tkhd.payloadStart + (version === 1 ? 20 : 12));
}

/**
 * Rebuilds an init segment keeping only one track (its trak and its trex), so audio and video can go to
 * separate SourceBuffers. The feed sends one track per fragment, so fragments need no rewriting.
 *
 * ftyp            (copied)
 * moov
 *   mvhd          (copied)
 *   trak          (only the one whose tkhd.track_ID matches)
 *   mvex
 *     mehd?       (copied)
 *     trex        (only the matching one)
 */
export function splitInitByTrack(u8, trackId) {
  const parts = [];
  for (const box of boxes(u8)) {
    if (box.type !== 'moov') { parts.push(u8.subarray(box.start, box.end)); continue; }
    const moovParts = [];
    for (const c of boxes(u8, box.payloadStart, box.end)) {
      if (c.type === 'trak') {
        if (trakTrackId(u8, c) === trackId) moovParts.push(u8.subarray(c.start, c.end));
      } else if (c.type === 'mvex') {
        const mvexParts = [];
        for (const m of boxes(u8, c.payloadStart, c.end)) {
          if (m.type === 'trex') {
            need(m, 8);
            if (viewOf(u8).getUint32(m.payloadStart + 4) !== trackId) continue;
          }
          mvexParts.push(u8.subarray(m.start, m.end));
        }
        moovParts.push(writeBox('mvex', mvexParts));
      } else {
        moovParts.push(u8.subarray(c.start, c.end));
      }
    }
    parts.push(writeBox('moov', moovParts));
  }
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.byteLength; }
  return out;
}

/**
 * Splits one feed message into its chunks ([prft] moof mdat each). The media server may send several
 * chunks in one message when a viewer fell briefly behind; each chunk has one track, so the chunks of a
 * message can belong to different SourceBuffers.
 * @returns {Array<Uint8Array>} views into u8 (no copy)
 */
export function splitChunks(u8) {
  const chunks = [];
  let start = -1;
  let hasMoof = false;
  let end = 0;
  for (const box of boxes(u8)) {
    const startsChunk = box.type === 'prft' || (box.type === 'moof' && hasMoof);
    if (start === -1 || startsChunk) {
      if (start !== -1) chunks.push(u8.subarray(start, box.start));
      start = box.start;
      hasMoof = false;
    }
    if (box.type === 'moof') hasMoof = true;
    end = box.end;
  }
  if (start !== -1) chunks.push(u8.subarray(start, end));
  return chunks;
}
