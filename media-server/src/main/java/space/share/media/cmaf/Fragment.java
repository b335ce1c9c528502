package space.share.media.cmaf;

import java.nio.ByteBuffer;
import space.share.media.samples.Track;

/**
 * One CMAF chunk ({@code prft} + {@code moof} + {@code mdat}) holding one sample. Written once, then shared
 * read-only by every viewer and by the LL-HLS parts.
 *
 * @param track the sample's track
 * @param independent a video keyframe: a viewer may start here
 * @param sequenceNumber mfhd sequence_number, increasing within one init segment
 * @param decodeTimeUs sample decode time in microseconds, for playlists
 * @param durationUs the sample duration written in trun (estimated for video: the next frame is not waited for)
 * @param arrivalNanos when the RTMP message arrived ({@link System#nanoTime()})
 * @param arrivalEpochMs when the RTMP message arrived (wall clock), as stamped in prft
 */
public record Fragment(
    byte[] data,
    Track track,
    boolean independent,
    int sequenceNumber,
    long decodeTimeUs,
    long durationUs,
    long arrivalNanos,
    long arrivalEpochMs) {

  /** A read-only view of the bytes for one writer; each caller gets its own position. */
  public ByteBuffer buffer() {
    return ByteBuffer.wrap(data).asReadOnlyBuffer();
  }

  public int sizeBytes() {
    return data.length;
  }
}
