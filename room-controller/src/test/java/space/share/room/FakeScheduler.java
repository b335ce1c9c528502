package space.share.room;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler whose time moves only when the test says so: tasks run on the test's thread, in due order, inside
 * {@link #runDue()} and {@link #advanceMs(long)}. Tasks may be scheduled from any thread. Enough of
 * {@link ScheduledExecutorService} for the controller's background jobs: {@code schedule(Runnable, ...)} and
 * {@code scheduleWithFixedDelay}; a task that throws is dropped (periodic ones too, like the JDK's).
 */
public final class FakeScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long nowMs;
  private long sequence;
  private boolean shutdown;

  /** Runs every task due at the current time, including those they schedule with no delay. */
  public void runDue() {
    advanceMs(0);
  }

  /** Moves time forward by {@code deltaMs}, running each task when its time comes. */
  public void advanceMs(long deltaMs) {
    long targetMs;
    synchronized (this) {
      targetMs = nowMs + deltaMs;
    }
    while (true) {
      Task task;
      synchronized (this) {
        Task next = queue.peek();
        if (shutdown || next == null || next.dueMs > targetMs) {
          nowMs = targetMs;
          return;
        }
        task = queue.poll();
        nowMs = Math.max(nowMs, task.dueMs);
      }
      task.run();
    }
  }

  /** Tasks waiting, periodic ones included. */
  public synchronized int pending() {
    return queue.size();
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return add(command, unit.toMillis(delay), 0);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    if (delay <= 0) {
      throw new IllegalArgumentException("delay must be positive: " + delay);
    }
    return add(command, unit.toMillis(initialDelay), unit.toMillis(delay));
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    return scheduleWithFixedDelay(command, initialDelay, period, unit); // tasks take no fake time: the same here
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("not used by the controller");
  }

  private synchronized Task add(Runnable command, long delayMs, long periodMs) {
    if (shutdown) {
      throw new java.util.concurrent.RejectedExecutionException("shut down");
    }
    Task task = new Task(command, nowMs + Math.max(0, delayMs), periodMs, sequence++);
    queue.add(task);
    return task;
  }

  @Override
  public void execute(Runnable command) {
    add(command, 0, 0);
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
  }

  @Override
  public synchronized List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> left = new ArrayList<>(queue);
    queue.clear();
    return left;
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }

  private final class Task implements ScheduledFuture<Object>, Runnable {
    private final Runnable command;
    private final long periodMs;
    private final long seq;
    private long dueMs;
    private volatile boolean cancelled;
    private volatile boolean done;

    Task(Runnable command, long dueMs, long periodMs, long seq) {
      this.command = command;
      this.dueMs = dueMs;
      this.periodMs = periodMs;
      this.seq = seq;
    }

    @Override
    public void run() {
      if (cancelled) {
        return;
      }
      try {
        command.run();
      } catch (RuntimeException e) {
        done = true;
        return;
      }
      synchronized (FakeScheduler.this) {
        if (periodMs > 0 && !shutdown && !cancelled) {
          dueMs = nowMs + periodMs;
          queue.add(this);
        } else {
          done = true;
        }
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      synchronized (FakeScheduler.this) {
        return unit.convert(dueMs - nowMs, TimeUnit.MILLISECONDS);
      }
    }

    @Override
    public int compareTo(Delayed other) {
      Task that = (Task) other;
      return dueMs != that.dueMs ? Long.compare(dueMs, that.dueMs) : Long.compare(seq, that.seq);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      cancelled = true;
      synchronized (FakeScheduler.this) {
        queue.remove(this);
      }
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public Object get() {
      throw new UnsupportedOperationException("not used by the controller");
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      throw new UnsupportedOperationException("not used by the controller");
    }
  }
}
