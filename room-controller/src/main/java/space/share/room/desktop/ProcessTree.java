package space.share.room.desktop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finding and signalling a room's processes on Linux through {@code /proc}: by process group (room.sh and each of
 * its components run in their own group) and by an environment entry every process of the room inherits
 * ({@code DESKTOP_RUNTIME_DIR=<the room's dir>}), which also catches a process that escaped its group
 * (a daemonising helper, or components left when room.sh itself was SIGKILLed).
 *
 * <p>Stateless; thread-safe. As root (rooms with their own users) the environment scan reads every process; otherwise
 * processes of other users are invisible to it (unreadable {@code environ}), which is fine: the controller can only
 * signal its own then.
 */
public final class ProcessTree {
  private static final Path PROC = Path.of("/proc");

  private ProcessTree() {}

  /** Sends {@code signal} (e.g. {@code TERM}, {@code KILL}) to every process in group {@code pgid}. */
  public static void signalGroup(long pgid, String signal) {
    if (pgid <= 1) {
      throw new IllegalArgumentException("refusing to signal process group " + pgid);
    }
    run("kill", "-s", signal, "--", "-" + pgid);
  }

  /** Sends {@code signal} to one process. */
  public static void signal(long pid, String signal) {
    if (pid <= 1) {
      throw new IllegalArgumentException("refusing to signal pid " + pid);
    }
    run("kill", "-s", signal, "--", Long.toString(pid));
  }

  /** Pids of live processes whose process group is {@code pgid}. */
  public static List<Long> groupMembers(long pgid) {
    List<Long> pids = new ArrayList<>();
    for (long pid : allPids()) {
      try {
        String stat = Files.readString(PROC.resolve(pid + "/stat"));
        // pid (comm) state ppid pgrp ...; comm may contain spaces and parentheses: parse after the last ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        if (!f[0].equals("Z") && Long.parseLong(f[2]) == pgid) {
          pids.add(pid);
        }
      } catch (IOException | RuntimeException e) {
        // gone meanwhile, or unreadable
      }
    }
    return pids;
  }

  /** Pids of live (non-zombie) processes whose environment holds exactly {@code name=value}. */
  public static List<Long> withEnvironment(String name, String value) {
    byte[] entry = (name + "=" + value).getBytes(StandardCharsets.UTF_8);
    long self = ProcessHandle.current().pid();
    List<Long> pids = new ArrayList<>();
    for (long pid : allPids()) {
      if (pid == self) {
        continue;
      }
      try {
        byte[] environ = Files.readAllBytes(PROC.resolve(pid + "/environ"));
        if (containsEntry(environ, entry) && !isZombie(pid)) {
          pids.add(pid);
        }
      } catch (IOException | RuntimeException e) {
        // gone meanwhile, or another user's process
      }
    }
    return pids;
  }

  static boolean containsEntry(byte[] environ, byte[] entry) {
    int start = 0;
    for (int i = 0; i <= environ.length; i++) {
      if (i == environ.length || environ[i] == 0) {
        if (i - start == entry.length && java.util.Arrays.equals(environ, start, i, entry, 0, entry.length)) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }

  private static boolean isZombie(long pid) throws IOException {
    String stat = Files.readString(PROC.resolve(pid + "/stat"));
    return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
  }

  private static List<Long> allPids() {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
      for (Path p : dir) {
        pids.add(Long.parseLong(p.getFileName().toString()));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return pids;
  }

  private static void run(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
