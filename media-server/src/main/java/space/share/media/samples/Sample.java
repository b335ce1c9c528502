package space.share.media.samples;

import java.nio.ByteBuffer;

/**
 * One coded frame: a whole H.264 access unit (NAL units in AVCC length-prefixed form) or one raw AAC frame.
 *
 * @param track which elementary stream
 * @param decodeTimeMs monotonic decode time, already unwrapped from RTMP's 32-bit clock
 * @param compositionOffsetMs presentation minus decode time; non-zero only for video with B-frames, may be negative
 * @param keyframe an IDR access unit (always true for audio)
 * @param data the sample bytes, from its position to its limit: a read-only view of the ingest's buffer, lent for
 *     the one {@link MediaSink#onSample} call that hands it over (the ingest reuses the buffer after). A sink reads
 *     it there and copies what it keeps: the CMAF muxer copies it once, into the fragment every viewer shares.
 * @param arrivalNanos {@link System#nanoTime()} when the RTMP message arrived, for server-added latency
 * @param arrivalEpochMs wall-clock time when the RTMP message arrived, stamped into each fragment's prft
 */
public record Sample(
    Track track,
    long decodeTimeMs,
    int compositionOffsetMs,
    boolean keyframe,
    ByteBuffer data,
    long arrivalNanos,
    long arrivalEpochMs) {

  public int sizeBytes() {
    return data.remaining();
  }
}
