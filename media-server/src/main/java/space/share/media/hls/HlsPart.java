package space.share.media.hls;

import java.nio.ByteBuffer;

/**
 * A finished LL-HLS partial segment: consecutive CMAF fragments (each {@code prft}+{@code moof}+{@code mdat}) laid
 * end to end, which is itself a valid CMAF chunk sequence. Immutable; the bytes are shared read-only by every
 * response.
 *
 * @param msn the media sequence number of the parent segment
 * @param index the part's index within its parent segment, from 0
 * @param startUs decode time of its first timeline (video, else audio) sample
 * @param durationUs from its first timeline sample to the next part's first (exact, from decode times)
 * @param independent it starts with a video keyframe (INDEPENDENT=YES)
 */
public record HlsPart(long msn, int index, long startUs, long durationUs, boolean independent, byte[] data) {
  ByteBuffer buffer() {
    return ByteBuffer.wrap(data).asReadOnlyBuffer();
  }
}
