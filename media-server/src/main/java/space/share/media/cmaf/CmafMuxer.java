package space.share.media.cmaf;

import java.nio.ByteBuffer;

import static space.share.media.cmaf.Boxes.wrapIntoBox;

import space.share.media.samples.AudioConfig;
import space.share.media.samples.Sample;
import space.share.media.samples.Track;
import space.share.media.samples.VideoConfig;

/**
 * Turns one stream's samples into CMAF: an init segment for its codec configuration, then one fragment per sample,
 * written the moment the sample arrives (nothing waits for the next frame or a segment boundary).
 *
 * <p>Video uses a 90 kHz timescale, audio its sample rate. Since a fragment is written before the next sample is
 * known, a video sample's duration is an estimate (the last frame interval); every fragment's {@code tfdt} is
 * exact, so players place each frame correctly whatever the estimate.
 *
 * <p>Not thread-safe: one instance per stream generation, fed by the stream's single writer.
 */
public final class CmafMuxer {
  public static final int VIDEO_TIMESCALE = 90_000;

  // sample_flags (14496-12 8.8.3.1): is_leading(2) sample_depends_on(2) sample_is_depended_on(2)
  // sample_has_redundancy(2) sample_padding_value(3) sample_is_non_sync_sample(1) sample_degradation_priority(16).
  /** sample_depends_on = 2 (an I picture): a sync sample. */
  static final int SYNC_SAMPLE_FLAGS = 0b0000_0010_0000_0000_0000_0000_0000_0000;
  /** sample_depends_on = 1, sample_is_non_sync_sample = 1. */
  static final int NON_SYNC_SAMPLE_FLAGS = 0b0000_0001_0000_0001_0000_0000_0000_0000;

  private static final double DEFAULT_FRAME_RATE = 30;
  static final int SLAB_BYTES = 256 * 1024;

  private final VideoConfig video;
  private final AudioConfig audio;
  private final double frameRate;
  private final InitSegment initSegment;
  private int sequenceNumber = 0;
  /**
   * Where fragments are written, one after another (a fragment larger than {@link #SLAB_BYTES} gets a slab of its own):
   * consecutive fragments are contiguous, so a viewer sends a run of them as one buffer, and a direct allocation
   * serves about a second of a 3 Mbps stream rather than one frame. A slab is freed when no fragment in it is
   * referenced any more. Only the stream's writer thread writes; readers use {@link #readOnlySlab}.
   */
  private ByteBuffer slab;
  private ByteBuffer readOnlySlab;
  private long lastVideoDecodeTicks = -1;
  private int videoDurationTicks;
  private long nextAudioDecodeTicks = -1;

  /**
   * @param video null for an audio-only stream
   * @param audio null for a video-only stream
   * @param announcedFrameRate from the publisher's metadata, or 0 if unknown
   */
  public CmafMuxer(VideoConfig video, AudioConfig audio, double announcedFrameRate) {
    if (video == null && audio == null) {
      throw new IllegalArgumentException("a stream needs a video or an audio track");
    }
    this.video = video;
    this.audio = audio;
    this.frameRate = video == null ? 0 : (announcedFrameRate > 0 ? announcedFrameRate : DEFAULT_FRAME_RATE);
    this.videoDurationTicks = video == null ? 0 : (int) Math.round(VIDEO_TIMESCALE / frameRate);
    this.initSegment = buildInitSegment();
  }

  public InitSegment initSegment() {
    return initSegment;
  }

  /** Whether this muxer was built for exactly these configurations (else the stream needs a new init segment). */
  public boolean matches(VideoConfig otherVideo, AudioConfig otherAudio) {
    return sameConfig(video, otherVideo) && sameAudio(audio, otherAudio);
  }

  public boolean hasTrack(Track track) {
    return track == Track.VIDEO ? video != null : audio != null;
  }

  /*
   * The init segment:
   *   ftyp
   *   moov
   *     mvhd
   *     trak (video, track 1) / trak (audio, track 2)
   *       tkhd
   *       mdia
   *         mdhd, hdlr
   *         minf
   *           vmhd | smhd, dinf, stbl (stsd with avc1/avcC or mp4a/esds, empty tables)
   *     mvex
   *       trex per track
   */
  private InitSegment buildInitSegment() {
    byte[] videoTrak = video == null ? new byte[0] : wrapIntoBox("trak",
        Boxes.tkhd(Track.VIDEO.trackId(), /* audio= */ false, video.width(), video.height()),
        wrapIntoBox("mdia",
            Boxes.mdhd(VIDEO_TIMESCALE),
            Boxes.hdlr("vide", "VideoHandler"),
            wrapIntoBox("minf", Boxes.vmhd(), Boxes.dinf(),
                Boxes.emptySampleTables(
                    Boxes.avc1(video.width(), video.height(), video.avcDecoderConfigurationRecord())))));
    byte[] audioTrak = audio == null ? new byte[0] : wrapIntoBox("trak",
        Boxes.tkhd(Track.AUDIO.trackId(), /* audio= */ true, /* width= */ 0, /* height= */ 0),
        wrapIntoBox("mdia",
            Boxes.mdhd(audio.sampleRateHz()),
            Boxes.hdlr("soun", "SoundHandler"),
            wrapIntoBox("minf", Boxes.smhd(), Boxes.dinf(),
                Boxes.emptySampleTables(
                    Boxes.mp4a(audio.channelCount(), audio.sampleRateHz(), audio.audioSpecificConfig())))));
    byte[] mvex = wrapIntoBox("mvex",
        video == null ? new byte[0] : Boxes.trex(Track.VIDEO.trackId()),
        audio == null ? new byte[0] : Boxes.trex(Track.AUDIO.trackId()));
    byte[] moov = wrapIntoBox("moov", Boxes.mvhd(/* timescale= */ 1000, /* nextTrackId= */ 3), videoTrak, audioTrak,
        mvex);
    byte[] bytes = concat(Boxes.ftyp(), moov);
    String codecs = video == null ? audio.codec()
        : audio == null ? video.codec() : video.codec() + "," + audio.codec();
    return new InitSegment(bytes, codecs, video == null ? 0 : video.width(), video == null ? 0 : video.height(),
        frameRate, video != null, audio != null);
  }

  /*
   * One fragment per sample:
   *   prft                       wall clock of arrival
   *   moof
   *     mfhd                     sequence_number
   *     traf
   *       tfhd                   track_ID, default-base-is-moof
   *       tfdt                   baseMediaDecodeTime
   *       trun                   1 sample: duration, size, flags, composition offset
   *   mdat                       the sample
   */
  public Fragment fragment(Sample sample) {
    if (!hasTrack(sample.track())) {
      throw new IllegalArgumentException("no " + sample.track() + " track in this stream's init segment");
    }
    boolean isVideo = sample.track() == Track.VIDEO;
    long decodeTicks;
    int durationTicks;
    int compositionOffsetTicks = 0;
    int timescale;
    if (isVideo) {
      timescale = VIDEO_TIMESCALE;
      decodeTicks = sample.decodeTimeMs() * (VIDEO_TIMESCALE / 1000);
      if (lastVideoDecodeTicks >= 0 && decodeTicks > lastVideoDecodeTicks) {
        // The best guess for this frame's duration is the interval the publisher just used.
        videoDurationTicks = (int) Math.min(decodeTicks - lastVideoDecodeTicks, VIDEO_TIMESCALE);
      }
      lastVideoDecodeTicks = decodeTicks;
      durationTicks = videoDurationTicks;
      compositionOffsetTicks = sample.compositionOffsetMs() * (VIDEO_TIMESCALE / 1000);
    } else {
      timescale = audio.sampleRateHz();
      long measuredTicks = sample.decodeTimeMs() * timescale / 1000;
      // AAC frames are exactly 1024 samples; RTMP's millisecond clock is not. Count samples, and follow the
      // publisher's clock only when it jumps by more than a frame (a gap or a reset).
      decodeTicks = nextAudioDecodeTicks >= 0 && Math.abs(measuredTicks - nextAudioDecodeTicks)
          <= AudioConfig.SAMPLES_PER_FRAME ? nextAudioDecodeTicks : measuredTicks;
      nextAudioDecodeTicks = decodeTicks + AudioConfig.SAMPLES_PER_FRAME;
      durationTicks = AudioConfig.SAMPLES_PER_FRAME;
    }
    int trackId = sample.track().trackId();
    int sampleFlags = sample.keyframe() ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS;
    byte[] mfhd = Boxes.mfhd(++sequenceNumber);
    byte[] tfhd = Boxes.tfhd(trackId);
    byte[] tfdt = Boxes.tfdt(decodeTicks);
    int trafBytes = 8 + tfhd.length + tfdt.length + Boxes.TRUN_ONE_SAMPLE_BYTES;
    int moofBytes = 8 + mfhd.length + trafBytes;
    // data_offset counts from the first byte of moof (default-base-is-moof) to the first sample byte.
    int dataOffset = moofBytes + 8;
    int sampleBytes = sample.sizeBytes();
    byte[] trun = Boxes.trun(dataOffset, durationTicks, sampleBytes, sampleFlags, compositionOffsetTicks);
    byte[] moof = wrapIntoBox("moof", mfhd, wrapIntoBox("traf", tfhd, tfdt, trun));
    byte[] prft = Boxes.prft(trackId, sample.arrivalEpochMs(), decodeTicks);
    byte[] mdatHeader = Boxes.mdatHeader(sampleBytes);
    int fragmentBytes = prft.length + moof.length + mdatHeader.length + sampleBytes;
    if (slab == null || slab.remaining() < fragmentBytes) {
      slab = ByteBuffer.allocateDirect(Math.max(SLAB_BYTES, fragmentBytes));
      readOnlySlab = slab.asReadOnlyBuffer();
    }
    int offset = slab.position();
    // The one copy of the frame between the RTMP message and the viewers' sockets and LL-HLS responses.
    slab.put(prft).put(moof).put(mdatHeader).put(sample.data().duplicate());
    return new Fragment(readOnlySlab.slice(offset, fragmentBytes), sample.track(), isVideo && sample.keyframe(),
        sequenceNumber, decodeTicks * 1_000_000 / timescale, (long) durationTicks * 1_000_000 / timescale,
        sample.arrivalNanos(), sample.arrivalEpochMs(), readOnlySlab, offset);
  }

  private static boolean sameConfig(VideoConfig a, VideoConfig b) {
    return a == b || (a != null && b != null
        && java.util.Arrays.equals(a.avcDecoderConfigurationRecord(), b.avcDecoderConfigurationRecord()));
  }

  private static boolean sameAudio(AudioConfig a, AudioConfig b) {
    return a == b || (a != null && b != null && java.util.Arrays.equals(a.audioSpecificConfig(), b.audioSpecificConfig()));
  }

  private static byte[] concat(byte[]... parts) {
    int size = 0;
    for (byte[] part : parts) {
      size += part.length;
    }
    byte[] out = new byte[size];
    int position = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, position, part.length);
      position += part.length;
    }
    return out;
  }
}
