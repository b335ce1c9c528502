package space.share.media.hls;

import java.util.ArrayList;
import java.util.List;

/**
 * A media segment in a snapshot: the segment being written (its finished parts so far) or a finished one. A
 * segment's bytes are its parts' bytes in order. Immutable; the writer replaces it with a longer copy.
 *
 * @param generation the publish (init segment) it belongs to: EXT-X-MAP {@code init-{generation}.mp4}
 * @param discontinuity the first segment after a publisher came back (EXT-X-DISCONTINUITY)
 * @param startEpochMs EXT-X-PROGRAM-DATE-TIME
 * @param startUs decode time of its first timeline sample
 * @param durationUs the sum of its parts' durations
 * @param complete no more parts will be added (listed with EXTINF)
 */
public record HlsSegment(long msn, int generation, boolean discontinuity, long startEpochMs, long startUs,
    List<HlsPart> parts, long durationUs, boolean complete) {

  public HlsSegment {
    parts = List.copyOf(parts);
  }

  static HlsSegment open(long msn, int generation, boolean discontinuity, long startEpochMs, long startUs) {
    return new HlsSegment(msn, generation, discontinuity, startEpochMs, startUs, List.of(), 0, false);
  }

  HlsSegment withPart(HlsPart part) {
    List<HlsPart> longer = new ArrayList<>(parts);
    longer.add(part);
    return new HlsSegment(msn, generation, discontinuity, startEpochMs, startUs, longer,
        durationUs + part.durationUs(), false);
  }

  HlsSegment completed() {
    return new HlsSegment(msn, generation, discontinuity, startEpochMs, startUs, parts, durationUs, true);
  }

  long sizeBytes() {
    long total = 0;
    for (HlsPart part : parts) {
      total += part.sizeBytes();
    }
    return total;
  }
}
