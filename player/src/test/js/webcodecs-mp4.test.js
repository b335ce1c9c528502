import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readSamples, readDecoderConfigs, splitChunks, Mp4Error } from '../../main/web/js/lib/mp4.js';
import { box, u32, u64, prft, u8 } from './boxes.js';

const golden = (name) => u8(readFileSync(new URL(`../resources/golden/${name}`, import.meta.url)));

/** A feed chunk as the media server writes it (CmafMuxer.fragment): prft, moof(mfhd, traf(tfhd, tfdt, trun v1)), mdat. */
function feedChunk({ trackId = 1, dts = 9000, duration = 3000, flags = 0x02000000, cto = 0, data = Buffer.from([1, 2, 3, 4, 5]),
  trunFlags = 0xf01, dataOffsetDelta = 0, sizeDelta = 0 } = {}) {
  const trun = (offset) => box('trun', u32(0x01000000 | trunFlags, 1, offset, duration, data.length + sizeDelta, flags, cto));
  const moofOf = (offset) => box('moof', box('mfhd', u32(0, 1)),
    box('traf', box('tfhd', u32(0x020000, trackId)), box('tfdt', u32(0x01000000), u64(dts)), trun(offset)));
  const moofBytes = moofOf(0).length;
  return u8(Buffer.concat([prft(trackId, 1_795_000_000_000, dts), moofOf(moofBytes + 8 + dataOffsetDelta), box('mdat', data)]));
}

test('readSamples_feedChunk_givesTheSampleBytesTimesAndKeyFlag', () => {
  const { prft: p, samples } = readSamples(feedChunk({ cto: 6000 }));
  assert.equal(p.referenceTrackId, 1);
  assert.equal(samples.length, 1);
  const s = samples[0];
  assert.deepEqual({ ...s, data: [...s.data] }, { trackId: 1, dtsTicks: 9000, ptsTicks: 15000, durationTicks: 3000, sync: true, data: [1, 2, 3, 4, 5] });
});

test('readSamples_nonSyncFlag_isDelta', () => {
  const { samples } = readSamples(feedChunk({ flags: 0x01010000 })); // sample_depends_on=1, sample_is_non_sync_sample
  assert.equal(samples[0].sync, false);
});

test('readSamples_trunVersion1_negativeCompositionOffset', () => {
  const { samples } = readSamples(feedChunk({ cto: -3000 }));
  assert.equal(samples[0].ptsTicks, 6000);
});

test('readSamples_ffmpegGoldenFragments_sampleBytesStartWithNalLengthOrAac', () => {
  const audio = readSamples(golden('ffmpeg-fragment-1.m4s')).samples;
  const video = readSamples(golden('ffmpeg-fragment-2.m4s')).samples;
  assert.equal(audio.length, 1);
  assert.equal(audio[0].trackId, 2);
  assert.equal(audio[0].durationTicks, 1024);
  assert.equal(video[0].trackId, 1);
  assert.equal(video[0].sync, true);
  // avcC lengthSizeMinusOne = 3: the first NAL unit's 4-byte length fits inside the sample
  const firstNal = new DataView(video[0].data.buffer, video[0].data.byteOffset).getUint32(0);
  assert.ok(firstNal + 4 <= video[0].data.byteLength, `first NAL ${firstNal} bytes`);
});

test('readSamples_batchedMessage_eachChunkHasItsOwnSample', () => {
  const a = feedChunk({ trackId: 1, dts: 0, data: Buffer.from([7]) });
  const b = feedChunk({ trackId: 2, dts: 1024, data: Buffer.from([8, 9]) });
  const msg = u8(Buffer.concat([a, b]));
  const all = splitChunks(msg).flatMap((c) => readSamples(c).samples);
  assert.deepEqual(all.map((s) => [s.trackId, [...s.data]]), [[1, [7]], [2, [8, 9]]]);
});

test('readSamples_tfhdDefaults_usedWhenTrunCarriesNoPerSampleFields', () => {
  const data = Buffer.from([1, 2, 3, 4, 5, 6]);
  // tfhd: default-base-is-moof | default_sample_duration | default_sample_size | default_sample_flags
  const tfhd = box('tfhd', u32(0x020038, 3, 512, 3, 0x00010000));
  const moofOf = (off) => box('moof', box('traf', tfhd, box('tfdt', u32(0, 100)), box('trun', u32(0x000005, 2, off, 0x02000000))));
  const moof = moofOf(moofOf(0).length + 8);
  const { samples } = readSamples(u8(Buffer.concat([moof, box('mdat', data)])));
  assert.deepEqual(samples.map((s) => [s.dtsTicks, s.durationTicks, s.sync, [...s.data]]),
    [[100, 512, true, [1, 2, 3]], [612, 512, false, [4, 5, 6]]], 'first_sample_flags for the first, defaults after');
});

const malformedSamples = [
  // [clause broken, bytes]
  ['8.8.8 data_offset pointing before the mdat payload', () => feedChunk({ dataOffsetDelta: -4 })],
  ['8.8.8 sample_size running past the mdat', () => feedChunk({ sizeDelta: 1 })],
  ['8.8.8 trun shorter than its sample_count', () => u8(box('moof', box('traf', box('tfhd', u32(0x020000, 1)), box('tfdt', u32(0, 0)), box('trun', u32(0xf01, 2, 0)))))],
  ['8.8.7 tfhd shorter than its flags', () => u8(box('moof', box('traf', box('tfhd', u32(0x020038, 1, 5)), box('tfdt', u32(0, 0)), box('trun', u32(0, 0)))))],
  ['8.8.12 traf without tfdt', () => u8(box('moof', box('traf', box('tfhd', u32(0x020000, 1)), box('trun', u32(0, 0)))))],
  ['8.8.4 fragment without moof', () => u8(box('mdat', Buffer.alloc(3)))],
];
for (const [name, bytes] of malformedSamples) {
  test(`readSamples_malformed_${name.replace(/\W+/g, '_')}_throwsMalformed`, () => {
    assert.throws(() => readSamples(bytes()), (e) => e instanceof Mp4Error && e.kind === 'malformed');
  });
}

test('readSamples_baseDataOffset_throwsUnsupported', () => {
  const bytes = u8(box('moof', box('traf', box('tfhd', u32(0x000001, 1), u64(0)), box('tfdt', u32(0, 0)), box('trun', u32(0, 0)))));
  assert.throws(() => readSamples(bytes), (e) => e.kind === 'unsupported');
});

test('readDecoderConfigs_ffmpegInit_givesAvcCodecDescriptionAndAacConfig', () => {
  const [v, a] = readDecoderConfigs(golden('ffmpeg-init-avc-aac.mp4'));
  assert.equal(v.kind, 'video');
  assert.equal(v.codec, 'avc1.42c00d'); // profile 66 (constrained), level 1.3 from avcC
  assert.equal(v.description[0], 1, 'description is the avcC payload (configurationVersion 1)');
  assert.equal(v.description[4] & 0x3, 3, 'lengthSizeMinusOne');
  assert.deepEqual([v.codedWidth, v.codedHeight, v.timescale], [320, 180, 15360]);
  assert.deepEqual({ ...a, description: [...a.description] },
    { trackId: 2, timescale: 48000, kind: 'audio', codec: 'mp4a.40.2', description: [0x11, 0x88, 0x56, 0xe5, 0x00], sampleRate: 48000, numberOfChannels: 1 });
});

/** An init with one mp4a track whose esds is given. */
function audioInit(esdsPayload) {
  const mp4a = box('mp4a', Buffer.alloc(16), u32(0x00020010, 0, 48000 * 65536), box('esds', esdsPayload));
  const trak = box('trak', box('tkhd', u32(0, 0, 0, 2, 0, 0)),
    box('mdia', box('mdhd', u32(0, 0, 0, 48000, 0, 0)), box('hdlr', u32(0, 0), Buffer.from('soun'), Buffer.alloc(12)),
      box('minf', box('stbl', box('stsd', u32(0, 1), mp4a)))));
  return u8(Buffer.concat([box('ftyp', Buffer.from('iso6'), u32(0)), box('moov', trak)]));
}
const esds = (dcd) => Buffer.concat([u32(0), Buffer.from([0x03, 3 + dcd.length, 0, 2, 0]), dcd]);
const dcd = (oti, dsi) => Buffer.concat([Buffer.from([0x04, 13 + dsi.length, oti, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), dsi]);

test('readDecoderConfigs_stereoAac44100_readsRateAndChannelsFromTheAudioSpecificConfig', () => {
  const [a] = readDecoderConfigs(audioInit(esds(dcd(0x40, Buffer.from([0x05, 2, 0x12, 0x10])))));
  assert.deepEqual([a.codec, a.sampleRate, a.numberOfChannels], ['mp4a.40.2', 44100, 2]);
});

const malformedEsds = [
  ['14496-1 7.2.6.5 ES_Descriptor with another tag', () => audioInit(Buffer.concat([u32(0), Buffer.from([0x04, 2, 0, 0])]))],
  ['14496-1 8.3.3 descriptor size past the box', () => audioInit(Buffer.concat([u32(0), Buffer.from([0x03, 90, 0, 2, 0])]))],
  ['14496-1 7.2.6.6 DecoderConfigDescriptor missing', () => audioInit(esds(Buffer.from([0x06, 1, 2])))],
  ['14496-1 7.2.6.7 DecoderSpecificInfo missing', () => audioInit(esds(dcd(0x40, Buffer.alloc(0))))],
];
for (const [name, bytes] of malformedEsds) {
  test(`readDecoderConfigs_malformed_${name.replace(/\W+/g, '_')}_throwsMalformed`, () => {
    assert.throws(() => readDecoderConfigs(bytes()), (e) => e instanceof Mp4Error && e.kind === 'malformed');
  });
}

test('readDecoderConfigs_mp3InMp4a_throwsUnsupported', () => {
  assert.throws(() => readDecoderConfigs(audioInit(esds(dcd(0x6b, Buffer.from([0x05, 2, 0x12, 0x10]))))), (e) => e.kind === 'unsupported');
});
