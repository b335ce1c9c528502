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
 * The first binary message after a feed header: the init segment (ftyp + moov), followed in the same message by
 * the fragments since the latest keyframe when there are any (docs/protocol.md). Returns {init, fragments}, the
 * fragments null when the message is the init segment alone.
 */
export function splitInitMessage(u8) {
  for (const box of boxes(u8)) {
    if (box.type === 'prft' || box.type === 'styp' || box.type === 'moof') {
      return { init: u8.subarray(0, box.start), fragments: u8.subarray(box.start) };
    }
  }
  return { init: u8, fragments: null };
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

// ------------------------------------------------------------------ samples and decoder configs (WebCodecs)

/**
 * The samples of one chunk ([prft] moof mdat), with their bytes, for EncodedVideoChunk/EncodedAudioChunk.
 * Follows tfhd defaults and trun per-sample fields (ISO/IEC 14496-12 8.8.7, 8.8.8); data offsets count from
 * the moof (default-base-is-moof, as CMAF requires, or the moof of the first traf when no base is given).
 * Every sample's bytes must lie inside one mdat of this message.
 * @returns {{prft: ?object, samples: Array<{trackId:number, dtsTicks:number, ptsTicks:number, durationTicks:number,
 *     sync:boolean, data:Uint8Array}>}} data are views into u8 (no copy)
 */
export function readSamples(u8) {
  const view = viewOf(u8);
  const out = { prft: null, samples: [] };
  const mdats = [];
  const moofs = [];
  for (const box of boxes(u8)) {
    if (box.type === 'prft') out.prft = readPrft(u8, box);
    else if (box.type === 'moof') moofs.push(box);
    else if (box.type === 'mdat') mdats.push(box);
  }
  if (moofs.length === 0) throw Mp4Error.malformed('fragment without moof');
  const inMdat = (start, size) => mdats.some((m) => start >= m.payloadStart && start + size <= m.end);
  for (const moof of moofs) {
    for (const traf of children(u8, moof, 'traf')) {
      const tfhd = child(u8, traf, 'tfhd');
      if (!tfhd) throw Mp4Error.malformed('traf without tfhd');
      need(tfhd, 8);
      const tfFlags = view.getUint32(tfhd.payloadStart) & 0xffffff;
      const trackId = view.getUint32(tfhd.payloadStart + 4);
      let at = tfhd.payloadStart + 8;
      const field = () => {
        if (at + 4 > tfhd.end) throw Mp4Error.malformed(`tfhd of track ${trackId} shorter than its flags say`);
        const v = view.getUint32(at); at += 4; return v;
      };
      if (tfFlags & 0x1) throw Mp4Error.unsupported('tfhd base_data_offset (offsets into a file, not a message)');
      if (tfFlags & 0x2) field(); // sample_description_index
      const defaultDuration = (tfFlags & 0x8) ? field() : 0;
      const defaultSize = (tfFlags & 0x10) ? field() : 0;
      const defaultFlags = (tfFlags & 0x20) ? field() : 0;
      const tfdt = child(u8, traf, 'tfdt');
      if (!tfdt) throw Mp4Error.malformed(`traf of track ${trackId} without tfdt`);
      need(tfdt, 8);
      let dts = u8[tfdt.payloadStart] === 1 ? (need(tfdt, 12), Number(view.getBigUint64(tfdt.payloadStart + 4)))
        : view.getUint32(tfdt.payloadStart + 4);
      let dataAt = moof.start; // default-base-is-moof (and the first traf's base without it)
      for (const trun of children(u8, traf, 'trun')) {
        need(trun, 8);
        const version = u8[trun.payloadStart];
        const flags = view.getUint32(trun.payloadStart) & 0xffffff;
        const count = view.getUint32(trun.payloadStart + 4);
        let p = trun.payloadStart + 8;
        const perSample = ((flags & 0x100) ? 4 : 0) + ((flags & 0x200) ? 4 : 0) + ((flags & 0x400) ? 4 : 0) + ((flags & 0x800) ? 4 : 0);
        const headBytes = ((flags & 0x1) ? 4 : 0) + ((flags & 0x4) ? 4 : 0);
        if (p + headBytes + count * perSample > trun.end) throw Mp4Error.malformed(`trun claims ${count} samples`);
        if (flags & 0x1) { dataAt = moof.start + view.getInt32(p); p += 4; } // signed int(32) data_offset
        let firstFlags = null;
        if (flags & 0x4) { firstFlags = view.getUint32(p); p += 4; } // first_sample_flags
        for (let i = 0; i < count; i++) {
          const duration = (flags & 0x100) ? view.getUint32(p) : defaultDuration; if (flags & 0x100) p += 4;
          const size = (flags & 0x200) ? view.getUint32(p) : defaultSize; if (flags & 0x200) p += 4;
          let sampleFlags = (flags & 0x400) ? view.getUint32(p) : (i === 0 && firstFlags !== null ? firstFlags : defaultFlags);
          if (flags & 0x400) p += 4;
          let cto = 0;
          if (flags & 0x800) { cto = version === 0 ? view.getUint32(p) : view.getInt32(p); p += 4; }
          if (!inMdat(dataAt, size)) {
            throw Mp4Error.malformed(`sample ${i} of track ${trackId} (${size} bytes at ${dataAt}) is not inside an mdat`);
          }
          out.samples.push({
            trackId, dtsTicks: dts, ptsTicks: dts + cto, durationTicks: duration,
            sync: (sampleFlags & 0x10000) === 0, // sample_is_non_sync_sample clear
            data: u8.subarray(dataAt, dataAt + size),
          });
          dts += duration;
          dataAt += size;
        }
      }
    }
  }
  return out;
}

const hex2 = (n) => n.toString(16).padStart(2, '0');

/** Reads MPEG-4 descriptor sizes (14496-1 8.3.3: 7 bits per byte, high bit = more, at most 4 bytes). */
function descriptorAt(u8, at, end) {
  if (at + 2 > end) throw Mp4Error.malformed('esds: truncated descriptor');
  const tag = u8[at++];
  let size = 0;
  for (let i = 0; ; i++) {
    if (i === 4 || at >= end) throw Mp4Error.malformed('esds: bad descriptor size');
    const b = u8[at++];
    size = (size << 7) | (b & 0x7f);
    if (!(b & 0x80)) break;
  }
  if (at + size > end) throw Mp4Error.malformed(`esds: descriptor ${tag} claims ${size} bytes, ${end - at} left`);
  return { tag, start: at, end: at + size };
}

/** AudioSpecificConfig (14496-3 1.6.2.1) from an esds box: ES_Descriptor > DecoderConfigDescriptor > DecoderSpecificInfo. */
function audioSpecificConfigOf(u8, esds) {
  need(esds, 4 + 2);
  const es = descriptorAt(u8, esds.payloadStart + 4, esds.end);
  if (es.tag !== 0x03) throw Mp4Error.malformed(`esds: ES_Descriptor tag ${es.tag}`);
  if (es.start + 3 > es.end) throw Mp4Error.malformed('esds: ES_Descriptor too short');
  const flags = u8[es.start + 2];
  let at = es.start + 3; // ES_ID(16), flags(8)
  if (flags & 0x80) at += 2; // streamDependenceFlag: dependsOn_ES_ID
  if (flags & 0x40) at += 1 + (u8[at] || 0); // URL_Flag: URLlength + URLstring
  if (flags & 0x20) at += 2; // OCRstreamFlag: OCR_ES_Id
  const dc = descriptorAt(u8, at, es.end);
  if (dc.tag !== 0x04 || dc.end - dc.start < 13) throw Mp4Error.malformed('esds: no DecoderConfigDescriptor');
  const objectType = u8[dc.start];
  const dsi = descriptorAt(u8, dc.start + 13, dc.end);
  if (dsi.tag !== 0x05 || dsi.end - dsi.start < 2) throw Mp4Error.malformed('esds: no DecoderSpecificInfo');
  return { objectType, asc: u8.slice(dsi.start, dsi.end) };
}

const AAC_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/**
 * WebCodecs decoder configs from an init segment: per track the codec string, the `description` (avcC payload
 * for H.264, AudioSpecificConfig for AAC) and the sizes or rates. Tracks with other sample entries get
 * `{kind: 'other'}` so the caller can say which codec it could not decode.
 * @returns {Array<{trackId:number, timescale:number, kind:'video'|'audio'|'other', codec:string, description?:Uint8Array,
 *     codedWidth?:number, codedHeight?:number, sampleRate?:number, numberOfChannels?:number}>}
 */
export function readDecoderConfigs(u8) {
  const view = viewOf(u8);
  const { tracks } = readInit(u8);
  let moov = null;
  for (const box of boxes(u8)) if (box.type === 'moov') moov = box;
  const out = [];
  for (const trak of children(u8, moov, 'trak')) {
    const trackId = trakTrackId(u8, trak);
    const { timescale, sampleEntry } = tracks.find((t) => t.trackId === trackId);
    const stsd = child(u8, child(u8, child(u8, child(u8, trak, 'mdia'), 'minf'), 'stbl'), 'stsd');
    const entry = boxes(u8, stsd.payloadStart + 8, stsd.end).next().value;
    if (sampleEntry === 'avc1' || sampleEntry === 'avc3') {
      // VisualSampleEntry (8.5.2.2): 6 reserved, data_reference_index(16), 16 pre_defined/reserved, width(16),
      // height(16), resolutions, reserved, frame_count, compressorname(32 bytes), depth, pre_defined: 78 bytes.
      need(entry, 78);
      const codedWidth = view.getUint16(entry.payloadStart + 24);
      const codedHeight = view.getUint16(entry.payloadStart + 26);
      const avcC = [...boxes(u8, entry.payloadStart + 78, entry.end)].find((b) => b.type === 'avcC');
      if (!avcC) throw Mp4Error.malformed(`${sampleEntry} of track ${trackId} without avcC`);
      need(avcC, 7);
      const p = avcC.payloadStart; // configurationVersion, AVCProfileIndication, profile_compatibility, AVCLevelIndication
      out.push({ trackId, timescale, kind: 'video', codec: `${sampleEntry}.${hex2(u8[p + 1])}${hex2(u8[p + 2])}${hex2(u8[p + 3])}`,
        description: u8.slice(p, avcC.end), codedWidth, codedHeight });
    } else if (sampleEntry === 'mp4a') {
      // AudioSampleEntry (8.5.2.2): 6 reserved, data_reference_index, 8 reserved, channelcount, samplesize,
      // pre_defined, reserved, samplerate(16.16): 28 bytes, then esds.
      need(entry, 28);
      const esds = [...boxes(u8, entry.payloadStart + 28, entry.end)].find((b) => b.type === 'esds');
      if (!esds) throw Mp4Error.malformed(`mp4a of track ${trackId} without esds`);
      const { objectType, asc } = audioSpecificConfigOf(u8, esds);
      if (objectType !== 0x40) throw Mp4Error.unsupported(`mp4a object type 0x${hex2(objectType)}`);
      const aot = asc[0] >> 3;
      const rateIndex = ((asc[0] & 0x7) << 1) | (asc[1] >> 7);
      if (aot === 31 || rateIndex === 15) throw Mp4Error.unsupported('AudioSpecificConfig with escape values');
      const sampleRate = AAC_RATES[rateIndex];
      const numberOfChannels = (asc[1] >> 3) & 0xf;
      if (!sampleRate || numberOfChannels === 0) throw Mp4Error.unsupported(`AAC rate index ${rateIndex}, channel config ${numberOfChannels}`);
      out.push({ trackId, timescale, kind: 'audio', codec: `mp4a.40.${aot}`, description: asc, sampleRate, numberOfChannels });
    } else {
      out.push({ trackId, timescale, kind: 'other', codec: String(sampleEntry) });
    }
  }
  return out;
}
