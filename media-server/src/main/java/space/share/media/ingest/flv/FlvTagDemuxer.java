package space.share.media.ingest.flv;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import space.share.media.samples.MediaSink;
import space.share.media.samples.Sample;
import space.share.media.samples.Track;
import space.share.media.samples.VideoConfig;

/**
 * Reads FLV audio and video tag bodies (FLV spec 10.1, E.4.2.1 / E.4.3.1) of one stream and hands configs and
 * samples to a {@link MediaSink}.
 *
 * <p>A state machine: {@code OPEN} until the first error, then {@code FAILED} for good, so one broken publisher
 * can only end its own stream. Not thread-safe: one publisher connection feeds it, in order.
 *
 * <p>Tolerated oddities, each reported once through {@link MediaSink#onNote}:
 * <ul>
 *   <li>an empty sequence header (no avcC / no AudioSpecificConfig after the packet type), which ffmpeg's tee muxer
 *       sends because its encoder's parameter sets are not known when the FLV header is written. It is ignored;
 *       the stream configures on a later real one, or (ffmpeg 5.1's tee never sends one) from the SPS and PPS
 *       that then travel in-band in every keyframe. Frames before that are dropped, at most
 *       {@link #MAX_SAMPLES_AWAITING_CONFIG} of them, and while video is awaited so is audio, so the first init
 *       segment has both tracks;
 *   <li>timestamps that jump (see {@link TimestampUnwrapper}).
 * </ul>
 */
public final class FlvTagDemuxer {
  /** Bounds every sample we accept: a 4K intra frame at high quality stays well below this. */
  static final int MAX_SAMPLE_BYTES = 8 * 1024 * 1024;

  /**
   * Frames (audio and video together) dropped while waiting for a usable sequence header before the stream fails:
   * about 8 s of 30 fps video with 48 kHz AAC.
   */
  static final int MAX_SAMPLES_AWAITING_CONFIG = 600;

  private static final int CODEC_ID_AVC = 7;
  private static final int NAL_TYPE_SPS = 7;
  private static final int NAL_TYPE_PPS = 8;
  private static final int SOUND_FORMAT_AAC = 10;

  private enum State {
    OPEN,
    FAILED
  }

  private final MediaSink sink;
  private final TimestampUnwrapper clock;
  private State state = State.OPEN;
  private boolean videoConfigured;
  private boolean audioConfigured;
  /** An empty AVC sequence header came: video is coming, configured later. */
  private boolean videoAnnounced;
  /** The video config was built from in-band parameter sets, which later keyframes may change. */
  private byte[] inBandRecord;
  private int samplesAwaitingConfig;
  private boolean annexBNoted;

  public FlvTagDemuxer(MediaSink sink) {
    this.sink = sink;
    this.clock = new TimestampUnwrapper((track, rawMs, previousRawMs, continuedAtMs) -> sink.onNote(
        "timestamp discontinuity on the " + track.name().toLowerCase(Locale.ROOT) + " track: "
            + rawMs + " ms after " + previousRawMs + " ms; the timeline continues at " + continuedAtMs + " ms"));
  }

  /** {@link #video(ByteBuffer, long, long, long)} of a whole array (tests, tools). */
  public void video(byte[] body, long timestampMs, long arrivalNanos, long arrivalEpochMs)
      throws MediaFormatException {
    video(ByteBuffer.wrap(body), timestampMs, arrivalNanos, arrivalEpochMs);
  }

  /**
   * @param tag the tag body from its position to its limit, the caller's: read during this call and not kept. A
   *     sample's bytes are a view of it (no copy here), lent to the sink for its {@link MediaSink#onSample} call.
   * @param timestampMs the RTMP message timestamp (32-bit, unsigned)
   * @throws MediaFormatException the stream cannot go on; every later call is refused too
   */
  public void video(ByteBuffer tag, long timestampMs, long arrivalNanos, long arrivalEpochMs)
      throws MediaFormatException {
    ensureOpen();
    try {
      ByteBuffer body = tag.slice(); // index 0 is the tag's first byte
      int length = body.remaining();
      if (length < 1) {
        throw MediaFormatException.malformed("empty video tag");
      }
      int frameType = (body.get(0) >> 4) & 0x0F; // UB[4] FrameType
      int codecId = body.get(0) & 0x0F; // UB[4] CodecID
      if ((body.get(0) & 0x80) != 0) {
        throw MediaFormatException.unsupported("Enhanced RTMP video (FourCC codecs)");
      }
      if (codecId != CODEC_ID_AVC) {
        throw MediaFormatException.unsupported("video codec id " + codecId + " (only H.264/AVC, id 7)");
      }
      if (frameType == 5) {
        return; // video info/command frame: carries no picture
      }
      if (length < 5) {
        throw MediaFormatException.malformed("AVC video tag shorter than 5 bytes");
      }
      int avcPacketType = body.get(1) & 0xFF; // UI8 AVCPacketType
      // SI24 CompositionTime, signed
      int compositionOffsetMs = ((body.get(2) << 16) | ((body.get(3) & 0xFF) << 8) | (body.get(4) & 0xFF));
      switch (avcPacketType) {
        case 0 -> {
          if (length == 5) {
            if (!videoAnnounced && !videoConfigured) {
              sink.onNote("ignored an empty AVC sequence header (as ffmpeg's tee muxer sends); waiting for a real one"
                  + " or for SPS and PPS in a keyframe");
            }
            videoAnnounced = true;
            return;
          }
          sink.onVideoConfig(AvcConfigReader.read(copyFrom(body, 5)));
          videoConfigured = true;
          inBandRecord = null;
        }
        case 1 -> {
          ByteBuffer data = payload(body, 5);
          if (!data.hasRemaining()) {
            return; // an empty access unit: nothing to decode
          }
          boolean publisherSentAvcc = videoConfigured && inBandRecord == null;
          if (!publisherSentAvcc && !NalFraming.isLengthPrefixed(data) && NalFraming.startsWithStartCode(data)) {
            // Without an avcC, ffmpeg's FLV muxer leaves its encoder's Annex B output as it is.
            if (!annexBNoted) {
              annexBNoted = true;
              sink.onNote("AVC frames in Annex B byte-stream format (start codes, no avcC); rewriting them with"
                  + " 4-byte NAL lengths");
            }
            data = NalFraming.annexBToLengthPrefixed(data);
          }
          checkNalFraming(data);
          boolean keyframe = frameType == 1;
          if (keyframe && (!videoConfigured || inBandRecord != null)) {
            configureFromInBandParameterSets(data);
          }
          if (!videoConfigured) {
            awaitConfig("AVC sequence header (nor SPS and PPS in a keyframe)");
            return;
          }
          sink.onSample(new Sample(Track.VIDEO, clock.unwrap(Track.VIDEO, timestampMs), compositionOffsetMs,
              keyframe, data, arrivalNanos, arrivalEpochMs));
        }
        case 2 -> {} // end of sequence
        default -> throw MediaFormatException.malformed("AVCPacketType " + avcPacketType);
      }
    } catch (MediaFormatException e) {
      state = State.FAILED;
      throw e;
    }
  }

  /** {@link #audio(ByteBuffer, long, long, long)} of a whole array (tests, tools). */
  public void audio(byte[] body, long timestampMs, long arrivalNanos, long arrivalEpochMs)
      throws MediaFormatException {
    audio(ByteBuffer.wrap(body), timestampMs, arrivalNanos, arrivalEpochMs);
  }

  /** Same contract as {@link #video(ByteBuffer, long, long, long)}, for an audio tag body. */
  public void audio(ByteBuffer tag, long timestampMs, long arrivalNanos, long arrivalEpochMs)
      throws MediaFormatException {
    ensureOpen();
    try {
      ByteBuffer body = tag.slice();
      int length = body.remaining();
      if (length < 2) {
        throw MediaFormatException.malformed("audio tag shorter than 2 bytes");
      }
      int soundFormat = (body.get(0) >> 4) & 0x0F; // UB[4] SoundFormat
      if (soundFormat != SOUND_FORMAT_AAC) {
        throw MediaFormatException.unsupported("audio sound format " + soundFormat + " (only AAC, format 10)");
      }
      int aacPacketType = body.get(1) & 0xFF; // UI8 AACPacketType
      switch (aacPacketType) {
        case 0 -> {
          if (length == 2) {
            if (!audioConfigured) {
              sink.onNote("ignored an empty AAC sequence header; waiting for a real one");
            }
            return;
          }
          sink.onAudioConfig(AacConfigReader.read(copyFrom(body, 2)));
          audioConfigured = true;
        }
        case 1 -> {
          if (!audioConfigured) {
            awaitConfig("AAC sequence header");
            return;
          }
          if (videoAnnounced && !videoConfigured) {
            awaitConfig("AVC sequence header after the empty one (nor SPS and PPS in a keyframe)");
            return;
          }
          ByteBuffer data = payload(body, 2);
          if (data.hasRemaining()) {
            sink.onSample(new Sample(Track.AUDIO, clock.unwrap(Track.AUDIO, timestampMs), 0, true, data, arrivalNanos,
                arrivalEpochMs));
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

  /** Drops a frame that cannot be decoded yet; fails the stream once too many were dropped. */
  private void awaitConfig(String missing) throws MediaFormatException {
    if (++samplesAwaitingConfig > MAX_SAMPLES_AWAITING_CONFIG) {
      throw MediaFormatException.malformed("no usable " + missing + " within the first " + MAX_SAMPLES_AWAITING_CONFIG
          + " frames (FLV E.4.2.1 / E.4.3.1: the sequence header comes first)");
    }
  }

  /**
   * Configures video from the SPS and PPS carried in a keyframe (AVCC-framed, already checked), when the
   * publisher sent no usable sequence header; later keyframes may carry new ones (a resolution change).
   */
  private void configureFromInBandParameterSets(ByteBuffer data) throws MediaFormatException {
    byte[] sps = null;
    List<byte[]> ppsList = new ArrayList<>();
    int position = data.position();
    while (position < data.limit()) {
      int nalLength = data.getInt(position);
      int start = position + 4;
      position = start + nalLength;
      if (nalLength == 0) {
        continue;
      }
      int nalType = data.get(start) & 0x1F;
      if (nalType == NAL_TYPE_SPS && sps == null) {
        sps = copyRange(data, start, position);
      } else if (nalType == NAL_TYPE_PPS && ppsList.size() <= 0xFF) {
        ppsList.add(copyRange(data, start, position));
      }
    }
    if (sps == null || ppsList.isEmpty()) {
      return;
    }
    byte[] record = AvcConfigReader.recordFromParameterSets(sps, ppsList);
    if (Arrays.equals(record, inBandRecord)) {
      return;
    }
    VideoConfig config = AvcConfigReader.read(record);
    if (inBandRecord == null) {
      sink.onNote("no usable AVC sequence header: video configured from the SPS and PPS in a keyframe ("
          + config.width() + "x" + config.height() + " " + config.codec() + ")");
    }
    inBandRecord = record;
    sink.onVideoConfig(config);
    videoConfigured = true;
  }

  /** The sample's bytes in the tag body: a read-only view, not a copy (the muxer makes the one copy). */
  private static ByteBuffer payload(ByteBuffer body, int offset) throws MediaFormatException {
    int length = body.limit() - offset;
    if (length > MAX_SAMPLE_BYTES) {
      throw MediaFormatException.unsupported("sample of " + length + " bytes (limit " + MAX_SAMPLE_BYTES + ")");
    }
    return body.slice(offset, length).asReadOnlyBuffer();
  }

  /** A sequence header's or parameter set's bytes: small, kept by the config, so copied. */
  private static byte[] copyFrom(ByteBuffer body, int offset) {
    return copyRange(body, offset, body.limit());
  }

  private static byte[] copyRange(ByteBuffer buffer, int start, int end) {
    byte[] bytes = new byte[end - start];
    buffer.get(start, bytes);
    return bytes;
  }

  /** AVCC framing: a chain of 4-byte big-endian lengths that must end exactly at the end of the sample. */
  private static void checkNalFraming(ByteBuffer data) throws MediaFormatException {
    String error = NalFraming.firstFramingError(data);
    if (error != null) {
      throw MediaFormatException.malformed(error);
    }
  }
}
