package space.share.media.ingest.flv;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * The two ways an H.264 access unit's NAL units are delimited: AVCC (ISO/IEC 14496-15 5.3.4.2, a 4-byte big-endian
 * length before each, what FLV carries and CMAF needs) and Annex B byte streams (H.264 B.1, start codes), which
 * ffmpeg's FLV muxer passes through unchanged when it has no avcC to convert with (its tee muxer).
 */
final class NalFraming {
  private NalFraming() {}

  /** Whether the sample (position to limit) is a chain of 4-byte lengths that ends exactly at its end. */
  static boolean isLengthPrefixed(ByteBuffer data) {
    return firstFramingError(data) == null;
  }

  /** The reason the sample (position to limit) is not well-formed AVCC, or null. Reads without moving. */
  static String firstFramingError(ByteBuffer data) {
    int start = data.position();
    int end = data.limit();
    int position = start;
    while (position < end) {
      if (end - position < 4) {
        return "truncated NAL unit length at byte " + (position - start);
      }
      long nalLength = data.getInt(position) & 0xFFFF_FFFFL;
      if (nalLength > end - position - 4) {
        return "NAL unit of " + nalLength + " bytes overruns the sample";
      }
      position += 4 + (int) nalLength;
    }
    return null;
  }

  /** Whether the sample opens with an Annex B start code ({@code 00 00 01}, or {@code 00 00 00 01}). */
  static boolean startsWithStartCode(ByteBuffer data) {
    int p = data.position();
    int length = data.remaining();
    return (length >= 3 && data.get(p) == 0 && data.get(p + 1) == 0 && data.get(p + 2) == 1)
        || (length >= 4 && data.get(p) == 0 && data.get(p + 1) == 0 && data.get(p + 2) == 0 && data.get(p + 3) == 1);
  }

  /**
   * Rewrites an Annex B access unit with 4-byte lengths. Emulation prevention (H.264 7.4.1) keeps {@code 00 00 01}
   * out of NAL unit payloads, so every occurrence is a start code; zero bytes before one belong to the byte stream
   * (leading_zero_8bits / trailing_zero_8bits, B.1.2) and are dropped. The output is at most one byte per NAL unit
   * longer than the input. The one copy of a frame besides the fragment's, for publishers that send Annex B only.
   */
  static ByteBuffer annexBToLengthPrefixed(ByteBuffer view) {
    byte[] data = new byte[view.remaining()];
    view.duplicate().get(data);
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 16);
    int nalStart = -1;
    int i = 0;
    while (i + 2 < data.length) {
      if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
        if (nalStart >= 0) {
          writeNal(out, data, nalStart, i);
        }
        i += 3;
        nalStart = i;
      } else {
        i++;
      }
    }
    if (nalStart >= 0) {
      writeNal(out, data, nalStart, data.length);
    }
    return ByteBuffer.wrap(out.toByteArray()).asReadOnlyBuffer();
  }

  private static void writeNal(ByteArrayOutputStream out, byte[] data, int start, int end) {
    while (end > start && data[end - 1] == 0) {
      end--; // the zero bytes of the next start code, or trailing_zero_8bits
    }
    int length = end - start;
    if (length == 0) {
      return;
    }
    out.write(length >>> 24);
    out.write(length >>> 16);
    out.write(length >>> 8);
    out.write(length);
    out.write(data, start, length);
  }
}
