package space.share.media.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Set;

/**
 * A test-only ISO-BMFF reader that shares no code with the writer: renders a box tree, one box per line, with the
 * fields that matter, so golden files are readable and diffable.
 */
public final class BoxWalker {
  private static final Set<String> CONTAINERS =
      Set.of("moov", "trak", "mdia", "minf", "dinf", "stbl", "mvex", "moof", "traf");

  private BoxWalker() {}

  public static String render(byte[] data) {
    StringBuilder out = new StringBuilder();
    walk(ByteBuffer.wrap(data), 0, out);
    return out.toString();
  }

  private static void walk(ByteBuffer buffer, int depth, StringBuilder out) {
    while (buffer.remaining() >= 8) {
      int start = buffer.position();
      long size = buffer.getInt() & 0xFFFFFFFFL;
      String type = fourcc(buffer);
      if (size < 8 || size > buffer.limit() - start) {
        throw new AssertionError("box " + type + " at " + start + " has size " + size);
      }
      ByteBuffer body = buffer.slice(buffer.position(), (int) size - 8);
      out.append("  ".repeat(depth)).append(type).append(" size=").append(size);
      if (CONTAINERS.contains(type)) {
        out.append('\n');
        walk(body, depth + 1, out);
      } else {
        out.append(fields(type, body)).append('\n');
        if (type.equals("stsd")) {
          ByteBuffer entries = body.slice(8, body.remaining() - 8);
          walk(entries, depth + 1, out);
        } else if (type.equals("avc1") || type.equals("mp4a")) {
          int headerBytes = type.equals("avc1") ? 78 : 28;
          walk(body.slice(headerBytes, body.remaining() - headerBytes), depth + 1, out);
        } else if (type.equals("dref")) {
          walk(body.slice(8, body.remaining() - 8), depth + 1, out);
        }
      }
      buffer.position(start + (int) size);
    }
    if (buffer.hasRemaining()) {
      throw new AssertionError(buffer.remaining() + " trailing bytes");
    }
  }

  private static String fields(String type, ByteBuffer b) {
    int versionFlags = b.remaining() >= 4 ? b.getInt(0) : 0;
    int version = versionFlags >>> 24;
    String vf = " v=" + version + " flags=0x" + Integer.toHexString(versionFlags & 0xFFFFFF);
    return switch (type) {
      case "ftyp" -> " major=" + str(b, 0) + " minor=" + b.getInt(4) + " compatible=" + brands(b);
      case "mvhd" -> vf + " timescale=" + b.getInt(12) + " next_track_ID=" + b.getInt(96);
      case "tkhd" -> vf + " track_ID=" + b.getInt(12) + " volume=0x" + Integer.toHexString(b.getShort(36))
          + " width=" + (b.getInt(76) >>> 16) + " height=" + (b.getInt(80) >>> 16);
      case "mdhd" -> vf + " timescale=" + b.getInt(12) + " language=0x" + Integer.toHexString(b.getShort(20) & 0xFFFF);
      case "hdlr" -> vf + " handler=" + str(b, 8);
      case "dref", "stts", "stsc", "stco", "stsd" -> vf + " entry_count=" + b.getInt(4);
      case "stsz" -> vf + " sample_size=" + b.getInt(4) + " sample_count=" + b.getInt(8);
      case "avc1" -> " data_reference_index=" + b.getShort(6) + " width=" + b.getShort(24) + " height="
          + b.getShort(26) + " depth=0x" + Integer.toHexString(b.getShort(74));
      case "mp4a" -> " data_reference_index=" + b.getShort(6) + " channelcount=" + b.getShort(16) + " samplesize="
          + b.getShort(18) + " samplerate=" + (b.getInt(24) >>> 16);
      case "avcC", "esds" -> " " + HexFormat.of().formatHex(bytes(b));
      case "trex" -> vf + " track_ID=" + b.getInt(4) + " default_sample_description_index=" + b.getInt(8);
      case "mfhd" -> vf + " sequence_number=" + b.getInt(4);
      case "tfhd" -> vf + " track_ID=" + b.getInt(4);
      case "tfdt" -> vf + " baseMediaDecodeTime=" + (version == 1 ? b.getLong(4) : b.getInt(4) & 0xFFFFFFFFL);
      case "trun" -> vf + " sample_count=" + b.getInt(4) + " data_offset=" + b.getInt(8) + " duration=" + b.getInt(12)
          + " size=" + b.getInt(16) + " flags=0x" + Integer.toHexString(b.getInt(20)) + " composition_offset="
          + b.getInt(24);
      case "prft" -> vf + " reference_track_ID=" + b.getInt(4) + " ntp=0x" + Long.toHexString(b.getLong(8))
          + " media_time=" + b.getLong(16);
      case "mdat" -> " payload=" + HexFormat.of().formatHex(bytes(b));
      default -> vf;
    };
  }

  private static String brands(ByteBuffer b) {
    StringBuilder out = new StringBuilder();
    for (int i = 8; i + 4 <= b.remaining(); i += 4) {
      out.append(i == 8 ? "" : ",").append(str(b, i));
    }
    return out.toString();
  }

  private static String str(ByteBuffer b, int offset) {
    byte[] four = new byte[4];
    b.get(offset, four);
    return new String(four, StandardCharsets.US_ASCII);
  }

  private static String fourcc(ByteBuffer buffer) {
    byte[] four = new byte[4];
    buffer.get(four);
    return new String(four, StandardCharsets.US_ASCII);
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.get(0, out);
    return out;
  }
}
