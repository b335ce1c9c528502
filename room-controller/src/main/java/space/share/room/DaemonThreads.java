package space.share.room;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The controller's background timers: one named daemon thread each, so none keeps the JVM alive. */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** A single-threaded scheduler whose thread is a daemon called {@code name}. */
  public static ScheduledExecutorService scheduler(String name) {
    return Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    });
  }
}
