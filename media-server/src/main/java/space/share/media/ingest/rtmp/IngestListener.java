package space.share.media.ingest.rtmp;

import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.mina.core.buffer.IoBuffer;
import org.red5.io.amf.Input;
import org.red5.io.object.Deserializer;
import org.red5.server.api.stream.IBroadcastStream;
import org.red5.server.api.stream.IStreamListener;
import org.red5.server.api.stream.IStreamPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.media.ingest.flv.FlvTagDemuxer;
import space.share.media.ingest.flv.MediaFormatException;
import space.share.media.samples.MediaSink;
import space.share.media.samples.StreamMetadata;

/**
 * Hands each RTMP media message to the FLV demuxer as a read-only {@link ByteBuffer} view of Red5's buffer: the last
 * place Red5 and MINA types are seen. Nothing is copied here: Red5 reuses the buffer once we return, and everything
 * downstream runs within this call, up to the CMAF muxer, which copies the frame once into the fragment.
 *
 * <p>Threading: Red5 calls {@link #packetReceived} for one connection one packet at a time, in order, on rotating
 * pool threads; that is the stream's single writer.
 */
final class IngestListener implements IStreamListener {
  private static final Logger log = LoggerFactory.getLogger(IngestListener.class);
  private static final byte TYPE_AUDIO = 8;
  private static final byte TYPE_VIDEO = 9;
  private static final byte TYPE_DATA = 18;

  private final String streamId;
  private final String peer;
  private final MediaSink sink;
  private final FlvTagDemuxer demuxer;
  private final Runnable disconnect;
  private volatile boolean failed;

  IngestListener(String streamId, String peer, MediaSink sink, Runnable disconnect) {
    this.streamId = streamId;
    this.peer = peer;
    this.sink = sink;
    this.demuxer = new FlvTagDemuxer(sink);
    this.disconnect = disconnect;
  }

  @Override
  public void packetReceived(IBroadcastStream stream, IStreamPacket packet) {
    if (failed) {
      return;
    }
    long arrivalNanos = System.nanoTime();
    long arrivalEpochMs = System.currentTimeMillis();
    byte type = packet.getDataType();
    try {
      switch (type) {
        case TYPE_VIDEO -> demuxer.video(view(packet.getData()), packet.getTimestamp() & 0xFFFF_FFFFL, arrivalNanos,
            arrivalEpochMs);
        case TYPE_AUDIO -> demuxer.audio(view(packet.getData()), packet.getTimestamp() & 0xFFFF_FFFFL, arrivalNanos,
            arrivalEpochMs);
        case TYPE_DATA -> readMetadata(packet.getData());
        default -> { } // aggregate and other message types carry no media we use
      }
    } catch (MediaFormatException e) {
      failed = true;
      log.warn("stream {}: refusing publisher {}: {}", streamId, peer, e.getMessage());
      sink.onEnd();
      disconnect.run();
    } catch (RuntimeException e) {
      failed = true;
      log.error("stream {}: publisher {} failed", streamId, peer, e);
      sink.onEnd();
      disconnect.run();
    }
  }

  /** The whole message body (Red5 may have read into it), read-only, valid until this listener returns. */
  private static ByteBuffer view(IoBuffer data) {
    IoBuffer view = data.duplicate();
    view.rewind();
    return view.buf().slice().asReadOnlyBuffer();
  }

  /** onMetaData: an AMF0 string then an ECMA array. Only the frame rate matters downstream. */
  private void readMetadata(IoBuffer data) {
    try {
      IoBuffer view = data.duplicate();
      view.rewind();
      Input input = new Input(view);
      Object name = Deserializer.deserialize(input, Object.class);
      if (!"onMetaData".equals(name) || !view.hasRemaining()) {
        return;
      }
      Object values = Deserializer.deserialize(input, Object.class);
      if (values instanceof Map<?, ?> map) {
        sink.onMetadata(new StreamMetadata(number(map.get("framerate")), number(map.get("videodatarate")),
            String.valueOf(map.containsKey("encoder") ? map.get("encoder") : "")));
      }
    } catch (RuntimeException e) {
      // Metadata is advisory: a publisher with odd metadata still streams.
      log.debug("stream {}: unreadable metadata from {}: {}", streamId, peer, e.toString());
    }
  }

  private static double number(Object value) {
    return value instanceof Number n ? n.doubleValue() : 0;
  }
}
