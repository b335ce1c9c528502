package space.share.media.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import space.share.media.samples.MediaSink;

class LiveStreamNotesTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger(LiveStream.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @BeforeEach
  void capture() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
  }

  private List<String> noteLines() {
    return appender.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("publisher 10.0.0.7"))
        .toList();
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
