package space.share.media.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class SendStartsTest {
  /** Holds hand-offs until the test runs them: a pool whose threads are all asleep. */
  static final class HeldThreads implements Executor {
    final List<Runnable> handOffs = new ArrayList<>();

    @Override
    public void execute(Runnable command) {
      handOffs.add(command);
    }

    void runAll() {
      while (!handOffs.isEmpty()) {
        handOffs.remove(0).run();
      }
    }
  }

  @Test
  void execute_burstOfStarts_wakesAThreadOncePerLaneAndRunsEveryStart() {
    HeldThreads threads = new HeldThreads();
    SendStarts starts = new SendStarts(threads, 2);
    List<Integer> ran = new ArrayList<>();
    for (int viewer = 0; viewer < 500; viewer++) {
      int id = viewer;
      starts.execute(() -> ran.add(id));
    }
    assertTrue(threads.handOffs.size() <= 2, threads.handOffs.size() + " hand-offs for one burst");
    threads.runAll();
    assertEquals(500, ran.size());
    starts.execute(() -> ran.add(500)); // the lanes went idle: the next start wakes a runner again
    assertEquals(1, threads.handOffs.size());
    threads.runAll();
    assertEquals(501, ran.size());
  }

  @Test
  void execute_aStartThrows_theOthersStillRun() {
    HeldThreads threads = new HeldThreads();
    SendStarts starts = new SendStarts(threads, 1);
    List<Integer> ran = new ArrayList<>();
    starts.execute(() -> ran.add(1));
    starts.execute(() -> {
      throw new IllegalStateException("a broken start");
    });
    starts.execute(() -> ran.add(3));
    threads.runAll();
    assertEquals(List.of(1, 3), ran);
  }
}
