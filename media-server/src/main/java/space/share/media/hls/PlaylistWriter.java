package space.share.media.hls;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import space.share.media.cmaf.InitSegment;

/**
 * Renders snapshots as playlists (RFC 8216bis with Apple's low-latency tags). Pure functions of a snapshot and
 * the query every URI carries (the member token), so golden files pin the output exactly.
 */
final class PlaylistWriter {
  /** Protocol version 9: EXT-X-SKIP (delta updates); parts and preload hints need no more. */
  static final int VERSION = 9;
  /** BANDWIDTH before any part has been measured. */
  static final long NOMINAL_BANDWIDTH_BPS = 2_000_000;

  private static final DateTimeFormatter PROGRAM_DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT).withZone(ZoneOffset.UTC);

  private PlaylistWriter() {}

  /** The multivariant playlist: one variant, the media playlist, described from the current init segment. */
  static String multivariant(HlsSnapshot snapshot, String query) {
    InitSegment init = snapshot.currentInit();
    StringBuilder out = new StringBuilder(256);
    out.append("#EXTM3U\n");
    out.append("#EXT-X-VERSION:").append(VERSION).append('\n');
    out.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(peakBandwidthBps(snapshot))
        .append(",CODECS=\"").append(init.codecs()).append('"');
    if (init.hasVideo()) {
      out.append(",RESOLUTION=").append(init.width()).append('x').append(init.height());
      if (init.frameRate() > 0) {
        out.append(",FRAME-RATE=").append(String.format(Locale.ROOT, "%.3f", init.frameRate()));
      }
    }
    out.append('\n').append("media.m3u8").append(query).append('\n');
    return out.toString();
  }

  /**
   * The media playlist.
   *
   * @param skip a delta update ({@code _HLS_skip=YES}): segments further than CAN-SKIP-UNTIL from the end are
   *     replaced by EXT-X-SKIP
   * @param query appended to every URI, e.g. {@code ?token=...}, or empty
   */
  static String media(HlsSnapshot snapshot, boolean skip, String query) {
    HlsSettings settings = snapshot.settings();
    List<HlsSegment> segments = snapshot.segments();
    StringBuilder out = new StringBuilder(4096);
    out.append("#EXTM3U\n");
    out.append("#EXT-X-VERSION:").append(VERSION).append('\n');
    out.append("#EXT-X-TARGETDURATION:").append(settings.targetDurationS()).append('\n');
    out.append("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=").append(seconds(settings.canSkipUntilUs()))
        .append(",HOLD-BACK=").append(seconds(settings.holdBackUs()))
        .append(",PART-HOLD-BACK=").append(seconds(settings.partHoldBackUs())).append('\n');
    out.append("#EXT-X-PART-INF:PART-TARGET=").append(seconds(settings.partTargetUs())).append('\n');
    out.append("#EXT-X-MEDIA-SEQUENCE:").append(segments.isEmpty() ? snapshot.nextMsn() : segments.get(0).msn())
        .append('\n');
    out.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(snapshot.discontinuitySequence()).append('\n');

    int skipped = skip ? skippableSegments(snapshot) : 0;
    if (skipped > 0) {
      out.append("#EXT-X-SKIP:SKIPPED-SEGMENTS=").append(skipped).append('\n');
    }
    // Parts are listed for segments that end within three target durations of the live edge. Decode times
    // restart with each publish, so distances are summed durations, not timestamps.
    long partListingUs = HlsSettings.PART_LISTING_TARGET_DURATIONS * settings.targetDurationUs();
    long[] endToEdgeUs = new long[segments.size()];
    for (int i = segments.size() - 2; i >= 0; i--) {
      endToEdgeUs[i] = endToEdgeUs[i + 1] + segments.get(i + 1).durationUs();
    }
    int mapGeneration = -1;
    for (int i = skipped; i < segments.size(); i++) {
      HlsSegment segment = segments.get(i);
      if (!segment.complete() && segment.parts().isEmpty()) {
        continue; // only the hinted part exists yet
      }
      if (segment.discontinuity()) {
        out.append("#EXT-X-DISCONTINUITY\n");
      }
      if (segment.generation() != mapGeneration) {
        mapGeneration = segment.generation();
        out.append("#EXT-X-MAP:URI=\"init-").append(mapGeneration).append(".mp4").append(query).append("\"\n");
      }
      out.append("#EXT-X-PROGRAM-DATE-TIME:")
          .append(PROGRAM_DATE_TIME.format(Instant.ofEpochMilli(segment.startEpochMs()))).append('\n');
      if (endToEdgeUs[i] < partListingUs) {
        for (HlsPart part : segment.parts()) {
          out.append("#EXT-X-PART:DURATION=").append(seconds(reportedPartDurationUs(part, settings)))
              .append(",URI=\"").append(partUri(part.msn(), part.index())).append(query).append('"');
          if (part.independent()) {
            out.append(",INDEPENDENT=YES");
          }
          out.append('\n');
        }
      }
      if (segment.complete()) {
        out.append("#EXTINF:").append(seconds(segment.durationUs())).append(",\n");
        out.append("seg-").append(segment.msn()).append(".m4s").append(query).append('\n');
      }
    }
    OpenPart hint = snapshot.openPart();
    if (hint != null) {
      out.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"").append(partUri(hint.msn(), hint.index())).append(query)
          .append("\"\n");
    }
    if (snapshot.ended()) {
      out.append("#EXT-X-ENDLIST\n");
    }
    return out.toString();
  }

  static String partUri(long msn, int index) {
    return "part-" + msn + "." + index + ".m4s";
  }

  /**
   * RTMP's millisecond clock makes a 200 ms part measure up to 201 ms; the cut rule allows that 1 ms, and the
   * playlist reports such a part as exactly PART-TARGET (players place samples by tfdt, not by this figure).
   */
  static long reportedPartDurationUs(HlsPart part, HlsSettings settings) {
    return part.durationUs() > settings.partTargetUs() && part.durationUs() <= settings.partTargetUs() + 1_000
        ? settings.partTargetUs() : part.durationUs();
  }

  /**
   * How many leading segments a delta update may skip: whole finished segments, as long as what remains after
   * them still spans CAN-SKIP-UNTIL (the Skip Boundary of RFC 8216bis 6.2.5.1).
   */
  static int skippableSegments(HlsSnapshot snapshot) {
    List<HlsSegment> segments = snapshot.segments();
    long remainingUs = 0;
    for (HlsSegment segment : segments) {
      remainingUs += segment.durationUs();
    }
    int skipped = 0;
    for (HlsSegment segment : segments) {
      if (!segment.complete() || remainingUs - segment.durationUs() < snapshot.settings().canSkipUntilUs()) {
        break;
      }
      remainingUs -= segment.durationUs();
      skipped++;
    }
    return skipped;
  }

  /** Peak bitrate of a finished segment (or of what exists so far), rounded up to kbit/s. */
  static long peakBandwidthBps(HlsSnapshot snapshot) {
    double peakBps = 0;
    for (HlsSegment segment : snapshot.segments()) {
      if (segment.durationUs() > 0) {
        peakBps = Math.max(peakBps, segment.sizeBytes() * 8e6 / segment.durationUs());
      }
    }
    return peakBps <= 0 ? NOMINAL_BANDWIDTH_BPS : (long) Math.ceil(peakBps / 1000) * 1000;
  }

  private static String seconds(long us) {
    return String.format(Locale.ROOT, "%.3f", us / 1e6);
  }
}
