package space.share.media.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import space.share.media.samples.MediaSink;
import space.share.media.testing.LogLines;

class LiveStreamNotesTest {
  private final LogLines logs = LogLines.of(LiveStream.class);

  @AfterEach
  void release() {
    logs.close();
  }

  private List<String> noteLines() {
    return logs.matching(m -> m.contains("publisher 10.0.0.7"));
  }

  @Test
  void onNote_manyNotesFromOnePublisher_logsABoundedNumberNamingStreamAndPeer() throws Exception {
    MediaSink sink = new LiveStream("room1", new LatencyStats(), LiveStream.DEFAULT_GOP_CACHE_MAX_BYTES).beginPublish("10.0.0.7:5000");
    for (int i = 0; i < LiveStream.MAX_NOTES_LOGGED + 50; i++) {
      sink.onNote("timestamp discontinuity " + i);
    }
    List<String> lines = noteLines();
    assertEquals(LiveStream.MAX_NOTES_LOGGED + 1, lines.size());
    assertEquals("stream room1: publisher 10.0.0.7:5000: timestamp discontinuity 0", lines.get(0));
    assertTrue(lines.get(lines.size() - 1).contains("no more are logged"), lines.get(lines.size() - 1));
  }
}
