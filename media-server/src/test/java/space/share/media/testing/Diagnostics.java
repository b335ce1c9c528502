package space.share.media.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * One-line summaries for failure messages: CI shows a failing test's message, not its output file.
 */
public final class Diagnostics {
  private Diagnostics() {}

  /**
   * This JVM's threads that run Red5, MINA or our code, each as name, state, the lock it waits on and its top frames,
   * on one line, at most 6000 characters.
   */
  public static String serverThreads() {
    String summary = Arrays.stream(ManagementFactory.getThreadMXBean().dumpAllThreads(true, true))
        .filter(Diagnostics::isServerThread)
        .map(Diagnostics::describe)
        .collect(Collectors.joining(" || "));
    return oneLine(summary, 6000);
  }

  /** The text with line breaks as " | ", cut to at most {@code max} characters. */
  public static String oneLine(String text, int max) {
    String line = text.strip().replaceAll("\\s*\\R\\s*", " | ");
    return line.length() <= max ? line : line.substring(0, max) + "…";
  }

  private static boolean isServerThread(ThreadInfo thread) {
    return Arrays.stream(thread.getStackTrace()).anyMatch(frame -> frame.getClassName().startsWith("org.red5")
        || frame.getClassName().startsWith("space.share.media.ingest")
        || frame.getClassName().startsWith("space.share.media.stream")
        || frame.getClassName().startsWith("space.share.media.feed"));
  }

  private static String describe(ThreadInfo thread) {
    String frames = Arrays.stream(thread.getStackTrace()).limit(6)
        .map(frame -> frame.getClassName().replaceAll("^.*\\.", "") + "." + frame.getMethodName() + ":"
            + frame.getLineNumber())
        .collect(Collectors.joining(" < "));
    return thread.getThreadName() + " " + thread.getThreadState()
        + (thread.getLockName() == null ? "" : " on " + thread.getLockName()
            + (thread.getLockOwnerName() == null ? "" : " held by " + thread.getLockOwnerName()))
        + ": " + frames;
  }
}
