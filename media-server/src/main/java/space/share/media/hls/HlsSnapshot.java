package space.share.media.hls;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import space.share.media.cmaf.InitSegment;

/**
 * One moment of a stream's LL-HLS state, published by the writer and read by any number of requests without
 * locks. Immutable, except {@link #openPart}, which has its own threading contract.
 *
 * @param inits init segments of every generation still referenced, by generation
 * @param generation the latest generation (0 before the first publish)
 * @param segments the playlist window, oldest first; the last one may be open (incomplete)
 * @param retired segments that left the window and are still served to clients holding an older playlist
 * @param openPart the part being written (the preload hint), null when the stream is not live
 * @param ended the publisher left: the playlist carries EXT-X-ENDLIST
 * @param discontinuitySequence EXT-X-DISCONTINUITY-SEQUENCE: discontinuities that left the window
 * @param nextMsn the sequence number the next segment will get
 */
record HlsSnapshot(
    HlsSettings settings,
    Map<Integer, InitSegment> inits,
    int generation,
    List<HlsSegment> segments,
    List<HlsSegment> retired,
    OpenPart openPart,
    boolean ended,
    int discontinuitySequence,
    long nextMsn) {

  static HlsSnapshot empty(HlsSettings settings) {
    return new HlsSnapshot(settings, Map.of(), 0, List.of(), List.of(), null, false, 0, 0);
  }

  /** Whether anything can be played: an init segment and at least one finished part. */
  boolean hasMedia() {
    return !segments.isEmpty() && (segments.get(0).complete() || !segments.get(0).parts().isEmpty());
  }

  InitSegment currentInit() {
    return inits.get(generation);
  }

  /** The sequence number of the newest finished segment, or one less than the first segment's. */
  long lastCompleteMsn() {
    for (int i = segments.size() - 1; i >= 0; i--) {
      if (segments.get(i).complete()) {
        return segments.get(i).msn();
      }
    }
    return segments.isEmpty() ? nextMsn - 1 : segments.get(0).msn() - 1;
  }

  /** The newest finished part, if any. */
  Optional<HlsPart> lastPart() {
    for (int i = segments.size() - 1; i >= 0; i--) {
      List<HlsPart> parts = segments.get(i).parts();
      if (!parts.isEmpty()) {
        return Optional.of(parts.get(parts.size() - 1));
      }
    }
    return Optional.empty();
  }

  /** A finished segment, in the window or recently retired. */
  Optional<HlsSegment> completeSegment(long msn) {
    for (List<HlsSegment> list : List.of(segments, retired)) {
      for (HlsSegment segment : list) {
        if (segment.msn() == msn && segment.complete()) {
          return Optional.of(segment);
        }
      }
    }
    return Optional.empty();
  }

  /** A finished part, in the window or recently retired. */
  Optional<HlsPart> part(long msn, int index) {
    for (List<HlsSegment> list : List.of(segments, retired)) {
      for (HlsSegment segment : list) {
        if (segment.msn() == msn && index >= 0 && index < segment.parts().size()) {
          return Optional.of(segment.parts().get(index));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Whether a blocking reload for ({@code msn}, {@code partIndex}) can be answered (RFC 8216bis 6.2.5.2): the
   * playlist holds that part or a later one, or that segment is finished, or the stream ended.
   *
   * @param partIndex -1 when the request named only a segment
   */
  boolean satisfies(long msn, int partIndex) {
    if (ended || lastCompleteMsn() >= msn) {
      return true;
    }
    if (partIndex < 0) {
      return false;
    }
    return lastPart().map(p -> p.msn() > msn || (p.msn() == msn && p.index() >= partIndex)).orElse(false);
  }

  /**
   * Whether a blocking reload asks too far ahead to wait for (RFC 8216bis 6.2.5.2: more than two segments past
   * the last one, or more than the Advance Part Limit past the last part).
   */
  boolean tooFarAhead(long msn, int partIndex) {
    long lastSegmentMsn = lastCompleteMsn();
    if (msn > lastSegmentMsn + 2) {
      return true;
    }
    if (partIndex < 0) {
      return false;
    }
    long partsAhead = lastPart()
        .map(p -> msn == p.msn() ? partIndex - p.index() : msn < p.msn() ? 0 : partIndex + 1L)
        .orElse(partIndex + 1L);
    return partsAhead > settings.advancePartLimit();
  }

  /** Whether the writer has moved past position ({@code msn}, {@code partIndex}): it will never be written. */
  boolean passed(long msn, int partIndex) {
    if (ended || lastCompleteMsn() >= msn) {
      return true;
    }
    if (openPart != null) {
      return openPart.msn() > msn || (openPart.msn() == msn && openPart.index() > partIndex);
    }
    return false;
  }
}
