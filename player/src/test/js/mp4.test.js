import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { boxes, readFragment, readInit, readPrft, splitChunks, splitInitByTrack, ntpToUnixMs, Mp4Error } from '../../main/web/js/lib/mp4.js';
import { box, u32, u64, prft, u8 } from './boxes.js';

const golden = (name) => u8(readFileSync(new URL(`../resources/golden/${name}`, import.meta.url)));

test('readInit_ffmpegAvcAac_listsVideoAndAudioTracks', () => {
  const init = readInit(golden('ffmpeg-init-avc-aac.mp4'));
  assert.deepEqual(init.tracks, [
    { trackId: 1, timescale: 15360, handler: 'vide', sampleEntry: 'avc1' },
    { trackId: 2, timescale: 48000, handler: 'soun', sampleEntry: 'mp4a' },
  ]);
});

test('readFragment_ffmpegFragment_readsTrackDecodeTimeAndSamples', () => {
  const first = readFragment(golden('ffmpeg-fragment-1.m4s'));
  const second = readFragment(golden('ffmpeg-fragment-2.m4s'));
  assert.equal(first.prft, null);
  assert.equal(first.trafs.length, 1);
  assert.equal(second.trafs.length, 1);
  const ids = [first.trafs[0].trackId, second.trafs[0].trackId].sort();
  assert.deepEqual(ids, [1, 2], 'separate_moof gives one track per fragment');
  for (const f of [first, second]) {
    assert.ok(f.trafs[0].sampleCount >= 1);
    assert.equal(f.trafs[0].baseDecodeTimeTicks, 0);
    assert.ok(f.mdatBytes > 0);
  }
});

test('readFragment_withPrftVersion1_readsWallClockAndMediaTime', () => {
  const moof = box('moof',
    box('mfhd', u32(0, 7)),
    box('traf',
      box('tfhd', u32(0x020008, 1, 512)), // default-base-is-moof | default_sample_duration_present
      box('tfdt', u32(0x01000000), u64(2 ** 33 + 5)),
      box('trun', u32(0x000001, 1, 0))));
  const msg = u8(Buffer.concat([prft(1, 1_795_000_000_123, 2 ** 33 + 5), moof, box('mdat', Buffer.alloc(10))]));
  const f = readFragment(msg);
  assert.equal(f.sequenceNumber, 7);
  assert.equal(f.prft.referenceTrackId, 1);
  assert.ok(Math.abs(f.prft.wallClockMs - 1_795_000_000_123) < 0.01);
  assert.equal(f.prft.mediaTime, 2 ** 33 + 5);
  assert.deepEqual(f.trafs, [{ trackId: 1, baseDecodeTimeTicks: 2 ** 33 + 5, sampleCount: 1, durationTicks: 512 }]);
  assert.equal(f.mdatBytes, 10);
});

test('readPrft_version0_reads32BitMediaTime', () => {
  const p = u8(box('prft', u32(0, 2, 2208988800 + 10, 2 ** 31, 90000)));
  const [b] = boxes(p);
  assert.deepEqual(readPrft(p, b), { referenceTrackId: 2, wallClockMs: 10_500, mediaTime: 90000 });
});

test('ntpToUnixMs_epochOf1970_isZero', () => {
  assert.equal(ntpToUnixMs(2208988800, 0), 0);
});

const malformed = [
  // [case, bytes] each names the ISO/IEC 14496-12 clause it breaks
  ['4.2 box size larger than the bytes present', () => u8(Buffer.concat([u32(100), Buffer.from('moof')]))],
  ['4.2 box size smaller than its header', () => u8(Buffer.concat([u32(4), Buffer.from('moof')]))],
  ['4.2 truncated header', () => u8(Buffer.from([0, 0, 0]))],
  ['8.8.4 fragment without moof', () => u8(box('mdat', Buffer.alloc(4)))],
  ['8.8.7 traf without tfhd', () => u8(box('moof', box('traf', box('tfdt', u32(0, 0)))))],
  ['8.8.8 trun claiming more samples than present', () => u8(box('moof', box('traf',
    box('tfhd', u32(0, 1)), box('tfdt', u32(0, 0)), box('trun', u32(0x100, 1000))))) ],
  ['8.16.5 prft shorter than its fields', () => u8(Buffer.concat([box('prft', u32(0x01000000, 1)), box('moof')]))],
];
for (const [name, bytes] of malformed) {
  test(`readFragment_malformed_${name.replace(/\W+/g, '_')}_throwsMalformed`, () => {
    assert.throws(() => readFragment(bytes()), (e) => e instanceof Mp4Error && e.kind === 'malformed');
  });
}

test('readPrft_version2_throwsUnsupported', () => {
  const p = u8(box('prft', u32(0x02000000, 1, 0, 0, 0, 0)));
  assert.throws(() => readPrft(p, [...boxes(p)][0]), (e) => e.kind === 'unsupported');
});

test('splitInitByTrack_videoOnly_keepsOneTrakAndOneTrex', () => {
  const init = golden('ffmpeg-init-avc-aac.mp4');
  const video = splitInitByTrack(init, 1);
  const audio = splitInitByTrack(init, 2);
  assert.deepEqual(readInit(video).tracks.map((t) => t.handler), ['vide']);
  assert.deepEqual(readInit(audio).tracks.map((t) => t.handler), ['soun']);
  for (const part of [video, audio]) {
    const moov = [...boxes(part)].find((b) => b.type === 'moov');
    const mvex = [...boxes(part, moov.payloadStart, moov.end)].find((b) => b.type === 'mvex');
    const trex = [...boxes(part, mvex.payloadStart, mvex.end)].filter((b) => b.type === 'trex');
    assert.equal(trex.length, 1);
  }
  assert.ok(video.byteLength < init.byteLength && audio.byteLength < init.byteLength);
});

test('splitChunks_batchOfPrftMoofMdat_givesOneChunkPerTrackFragment', () => {
  const a = golden('ffmpeg-fragment-1.m4s');
  const b = golden('ffmpeg-fragment-2.m4s');
  const pa = prft(1, 1000, 0);
  const pb = prft(2, 1001, 0);
  const batch = u8(Buffer.concat([pa, Buffer.from(a), pb, Buffer.from(b), Buffer.from(a)]));
  const chunks = splitChunks(batch);
  assert.deepEqual(chunks.map((c) => c.byteLength), [pa.length + a.byteLength, pb.length + b.byteLength, a.byteLength]);
  assert.equal(readFragment(chunks[1]).prft.referenceTrackId, 2);
  assert.equal(readFragment(chunks[2]).prft, null);
});

test('splitChunks_singleFragment_isOneChunk', () => {
  const a = golden('ffmpeg-fragment-1.m4s');
  assert.equal(splitChunks(a).length, 1);
  assert.equal(splitChunks(a)[0].byteLength, a.byteLength);
});
