package space.share.media.cmaf;

import java.nio.ByteBuffer;
import space.share.media.samples.Track;

/**
 * One CMAF chunk ({@code prft} + {@code moof} + {@code mdat}) holding one sample. Written once, into a direct
 * buffer (a socket write of a heap buffer would copy it into a temporary direct one per viewer and write), then
 * shared read-only by every viewer and by the LL-HLS parts. The muxer writes a stream's fragments one after another
 * into large direct buffers (slabs), so a run of consecutive fragments is one contiguous buffer that a viewer sends as
 * one WebSocket frame ({@link #bufferThrough}).
 *
 * @param bytes the chunk, read-only, position 0; never read through directly (its position is shared): use
 *     {@link #buffer()}
 * @param track the sample's track
 * @param independent a video keyframe: a viewer may start here
 * @param sequenceNumber mfhd sequence_number, increasing within one init segment
 * @param decodeTimeUs sample decode time in microseconds, for playlists
 * @param durationUs the sample duration written in trun (estimated for video: the next frame is not waited for)
 * @param arrivalNanos when the RTMP message arrived ({@link System#nanoTime()})
 * @param arrivalEpochMs when the RTMP message arrived (wall clock), as stamped in prft
 * @param slab the read-only buffer {@code bytes} is a part of (never read through directly either)
 * @param slabOffset where {@code bytes} starts in {@code slab}
 */
public record Fragment(
    ByteBuffer bytes,
    Track track,
    boolean independent,
    int sequenceNumber,
    long decodeTimeUs,
    long durationUs,
    long arrivalNanos,
    long arrivalEpochMs,
    ByteBuffer slab,
    int slabOffset) {

  /** A fragment in a buffer of its own. */
  public Fragment(ByteBuffer bytes, Track track, boolean independent, int sequenceNumber, long decodeTimeUs,
      long durationUs, long arrivalNanos, long arrivalEpochMs) {
    this(bytes, track, independent, sequenceNumber, decodeTimeUs, durationUs, arrivalNanos, arrivalEpochMs, bytes, 0);
  }

  /** Whether {@code next} starts where this fragment ends, in the same slab. */
  public boolean continuedBy(Fragment next) {
    return next.slab == slab && next.slabOffset == slabOffset + sizeBytes();
  }

  /**
   * A read-only view of this fragment through {@code last}, for one writer: the fragments between must each be
   * {@link #continuedBy} the next.
   */
  public ByteBuffer bufferThrough(Fragment last) {
    return slab.slice(slabOffset, last.slabOffset + last.sizeBytes() - slabOffset);
  }

  /** A read-only view of the bytes for one writer; each caller gets its own position. */
  public ByteBuffer buffer() {
    return bytes.duplicate();
  }

  public int sizeBytes() {
    return bytes.capacity();
  }

  /** A copy of the bytes in an array, for tests and tools. */
  public byte[] copyBytes() {
    byte[] copy = new byte[sizeBytes()];
    bytes.get(0, copy);
    return copy;
  }
}
