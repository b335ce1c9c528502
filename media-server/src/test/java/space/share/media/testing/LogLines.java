package space.share.media.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/** The lines one logger (and those below it) writes while open, formatted: for tests that check what is logged. */
public final class LogLines implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogLines(Logger logger) {
    this.logger = logger;
    appender.start();
    logger.addAppender(appender);
  }

  /** Captures {@code loggerName}'s lines (a class or package name; {@link org.slf4j.Logger#ROOT_LOGGER_NAME}: all). */
  public static LogLines of(String loggerName) {
    return new LogLines((Logger) LoggerFactory.getLogger(loggerName));
  }

  public static LogLines of(Class<?> loggingClass) {
    return of(loggingClass.getName());
  }

  /** Every line so far, oldest first. */
  public List<String> all() {
    return List.copyOf(appender.list).stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  /** The lines so far that {@code filter} accepts. */
  public List<String> matching(Predicate<String> filter) {
    return all().stream().filter(filter).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }

  @Override
  public String toString() {
    return all().toString();
  }
}
