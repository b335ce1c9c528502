package space.share.media.ingest.flv;

import java.util.Arrays;
import space.share.media.media.MediaSink;
import space.share.media.media.Sample;
import space.share.media.media.Track;

/**
 * Reads FLV audio and video tag bodies (FLV spec 10.1, E.4.2.1 / E.4.3.1) of one stream and hands configs and
 * samples to a {@link MediaSink}.
 *
 * <p>A state machine: {@code OPEN} until the first error, then {@code FAILED} for good, so one broken publisher
 * can only end its own stream. Not thread-safe: one publisher connection feeds it, in order.
 */
public final class FlvTagDemuxer {
  /** Bounds every sample we accept: a 4K intra frame at high quality stays well below this. */
  static final int MAX_SAMPLE_BYTES = 8 * 1024 * 1024;

  private static final int CODEC_ID_AVC = 7;
  private static final int SOUND_FORMAT_AAC = 10;

  private enum State {
    OPEN,
    FAILED
  }

  private final MediaSink sink;
  private final TimestampUnwrapper clock = new TimestampUnwrapper();
  private State state = State.OPEN;
  private boolean videoConfigured;
  private boolean audioConfigured;

  public FlvTagDemuxer(MediaSink sink) {
    this.sink = sink;
  }

  /**
   * @param body the tag body, owned by the caller; the bytes a sample keeps are copied
   * @param timestampMs the RTMP message timestamp (32-bit, unsigned)
   * @throws MediaFormatException the stream cannot go on; every later call is refused too
   */
  public void video(byte[] body, long timestampMs, long arrivalNanos, long arrivalEpochMs)
      throws MediaFormatException {
    ensureOpen();
    try {
      if (body.length < 1) {
        throw MediaFormatException.malformed("empty video tag");
      }
      int frameType = (body[0] >> 4) & 0x0F; // UB[4] FrameType
      int codecId = body[0] & 0x0F; // UB[4] CodecID
      if ((body[0] & 0x80) != 0) {
        throw MediaFormatException.unsupported("Enhanced RTMP video (FourCC codecs)");
      }
      if (codecId != CODEC_ID_AVC) {
        throw MediaFormatException.unsupported("video codec id " + codecId + " (only H.264/AVC, id 7)");
      }
      if (frameType == 5) {
        return; // video info/command frame: carries no picture
      }
      if (body.length < 5) {
        throw MediaFormatException.malformed("AVC video tag shorter than 5 bytes");
      }
      int avcPacketType = body[1] & 0xFF; // UI8 AVCPacketType
      // SI24 CompositionTime, signed
      int compositionOffsetMs = ((body[2] << 16) | ((body[3] & 0xFF) << 8) | (body[4] & 0xFF));
      long decodeTimeMs = clock.unwrap(timestampMs);
      switch (avcPacketType) {
        case 0 -> {
          sink.onVideoConfig(AvcConfigReader.read(Arrays.copyOfRange(body, 5, body.length)));
          videoConfigured = true;
        }
        case 1 -> {
          if (!videoConfigured) {
            throw MediaFormatException.malformed("AVC NAL units before the AVC sequence header");
          }
          byte[] data = copyPayload(body, 5);
          if (data.length == 0) {
            return; // an empty access unit: nothing to decode
          }
          checkNalFraming(data);
          sink.onSample(new Sample(Track.VIDEO, decodeTimeMs, compositionOffsetMs, frameType == 1, data,
              arrivalNanos, arrivalEpochMs));
        }
        case 2 -> {} // end of sequence
        default -> throw MediaFormatException.malformed("AVCPacketType " + avcPacketType);
      }
    } catch (MediaFormatException e) {
      state = State.FAILED;
      throw e;
    }
  }

  /** Same contract as {@link #video}, for an audio tag body. */
  public void audio(byte[] body, long timestampMs, long arrivalNanos, long arrivalEpochMs)
      throws MediaFormatException {
    ensureOpen();
    try {
      if (body.length < 2) {
        throw MediaFormatException.malformed("audio tag shorter than 2 bytes");
      }
      int soundFormat = (body[0] >> 4) & 0x0F; // UB[4] SoundFormat
      if (soundFormat != SOUND_FORMAT_AAC) {
        throw MediaFormatException.unsupported("audio sound format " + soundFormat + " (only AAC, format 10)");
      }
      int aacPacketType = body[1] & 0xFF; // UI8 AACPacketType
      long decodeTimeMs = clock.unwrap(timestampMs);
      switch (aacPacketType) {
        case 0 -> {
          sink.onAudioConfig(AacConfigReader.read(Arrays.copyOfRange(body, 2, body.length)));
          audioConfigured = true;
        }
        case 1 -> {
          if (!audioConfigured) {
            throw MediaFormatException.malformed("AAC frames before the AAC sequence header");
          }
          byte[] data = copyPayload(body, 2);
          if (data.length > 0) {
            sink.onSample(new Sample(Track.AUDIO, decodeTimeMs, 0, true, data, arrivalNanos, arrivalEpochMs));
          }
        }
        default -> throw MediaFormatException.malformed("AACPacketType " + aacPacketType);
      }
    } catch (MediaFormatException e) {
      state = State.FAILED;
      throw e;
    }
  }

  private void ensureOpen() throws MediaFormatException {
    if (state == State.FAILED) {
      throw MediaFormatException.malformed("stream already failed");
    }
  }

  private static byte[] copyPayload(byte[] body, int offset) throws MediaFormatException {
    int length = body.length - offset;
    if (length > MAX_SAMPLE_BYTES) {
      throw MediaFormatException.unsupported("sample of " + length + " bytes (limit " + MAX_SAMPLE_BYTES + ")");
    }
    return Arrays.copyOfRange(body, offset, body.length);
  }

  /** AVCC framing: a chain of 4-byte big-endian lengths that must end exactly at the end of the sample. */
  private static void checkNalFraming(byte[] data) throws MediaFormatException {
    int position = 0;
    while (position < data.length) {
      if (data.length - position < 4) {
        throw MediaFormatException.malformed("truncated NAL unit length at byte " + position);
      }
      long nalLength = ((data[position] & 0xFFL) << 24) | ((data[position + 1] & 0xFF) << 16)
          | ((data[position + 2] & 0xFF) << 8) | (data[position + 3] & 0xFF);
      if (nalLength > data.length - position - 4) {
        throw MediaFormatException.malformed("NAL unit of " + nalLength + " bytes overruns the sample");
      }
      position += 4 + (int) nalLength;
    }
  }
}
