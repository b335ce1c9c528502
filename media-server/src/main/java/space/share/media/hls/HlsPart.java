package space.share.media.hls;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import space.share.media.cmaf.Fragment;

/**
 * A finished LL-HLS partial segment: consecutive CMAF fragments (each {@code prft}+{@code moof}+{@code mdat}) laid
 * end to end, which is itself a valid CMAF chunk sequence. Immutable; it holds the fragments themselves, the bytes the
 * WebSocket feed sends too (one copy of a frame for both outputs), shared read-only by every response.
 *
 * @param msn the media sequence number of the parent segment
 * @param index the part's index within its parent segment, from 0
 * @param startUs decode time of its first timeline (video, else audio) sample
 * @param durationUs from its first timeline sample to the next part's first (exact, from decode times)
 * @param independent it starts with a video keyframe (INDEPENDENT=YES)
 * @param fragments its fragments, in order
 */
public record HlsPart(long msn, int index, long startUs, long durationUs, boolean independent,
    List<Fragment> fragments) {

  public HlsPart {
    fragments = List.copyOf(fragments);
  }

  /** Views of the part's bytes for one response, one per run of fragments contiguous in the muxer's slab. */
  List<ByteBuffer> buffers() {
    List<ByteBuffer> runs = new ArrayList<>(1);
    int runStart = 0;
    for (int i = 1; i <= fragments.size(); i++) {
      if (i == fragments.size() || !fragments.get(i - 1).continuedBy(fragments.get(i))) {
        runs.add(fragments.get(runStart).bufferThrough(fragments.get(i - 1)));
        runStart = i;
      }
    }
    return runs;
  }

  long sizeBytes() {
    long total = 0;
    for (Fragment fragment : fragments) {
      total += fragment.sizeBytes();
    }
    return total;
  }
}
