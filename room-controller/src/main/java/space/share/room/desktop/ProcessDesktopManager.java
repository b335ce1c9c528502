package space.share.room.desktop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import space.share.room.rooms.DesktopManager;
import space.share.room.rooms.DesktopState;
import space.share.room.rooms.PublishTarget;
import space.share.room.rooms.Room;

/**
 * Runs and supervises one {@code desktop/room.sh} per room ({@code room.desktop.mode=process}).
 *
 * <p>Per room: a free X display number (from {@code room.desktop.display-base} up, skipping displays with an X
 * lock or socket), a free loopback port for x11vnc, a directory {@code {data-dir}/desktops/{roomId}/} holding
 * {@code desktop.log} (room.sh's output, appended) and {@code run/} (room.sh's runtime dir: status file, PulseAudio
 * socket, browser profile). room.sh is started with {@code setsid}, so its pid is its process group; it runs and
 * restarts the five components itself (one policy: docs/desktop.md). This class restarts room.sh when it dies
 * ({@link Backoff}), and derives the room's {@link DesktopState} from room.sh's status file: {@code starting},
 * {@code running}, {@code failed} while a component (or room.sh itself) waits for its restart, {@code stopped}.
 *
 * <p>Isolation between rooms ({@link DesktopIsolation}, docs/desktop.md): every launch gets a new random VNC
 * password, written to {@code run/vnc-password} (0600) for x11vnc and kept in memory for the VNC proxy
 * ({@link #vncEndpoint}); room.sh's Xvfb makes its own X cookie in {@code run/Xauthority}. With
 * {@code room.desktop.isolation=users} (auto, as root) room.sh runs as the display's system user {@code ss-desk-N}
 * through {@code setpriv}, its runtime dir moves out of the data dir to {@code room.desktop.runtime-base/{roomId}}
 * (0700, that user's), and its environment is a short allow-list (no controller variables at all).
 *
 * <p>Where the encoder publishes: {@code run/rtmp-url} (0600, the room's user), written before room.sh starts and
 * rewritten when {@link #start} is called again with another target (the room moved to another media server);
 * room.sh restarts its encoder when the file changes, so the desktop itself keeps running.
 *
 * <p>Stopping a room: SIGTERM to room.sh's group (room.sh stops its components in reverse order), then after
 * {@code room.desktop.stop-grace-ms} SIGKILL to room.sh's group and to every component group named in the status
 * file, then SIGKILL to any process still carrying the room's {@code DESKTOP_RUNTIME_DIR} in its environment
 * (x11vnc can hang in its SIGTERM handler). Nothing of the room is left.
 *
 * <p>Threading: thread-safe. {@link #start} and {@link #stop} return at once; each room has one supervisor thread
 * that does the launching, waiting and killing. {@link #close} stops every room and waits for them (bounded).
 */
public final class ProcessDesktopManager implements DesktopManager, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessDesktopManager.class);
  private static final long MAX_LOG_BYTES = 10L * 1024 * 1024;

  /** Where a running room's desktop is, for logs and tests. */
  public record DesktopInfo(int displayNum, int vncPort, Path runtimeDir, Path logFile, long pid, int restarts,
      Optional<DesktopIsolation.DesktopUser> user) {}

  /** Variables passed to a room running as its own user; everything else of the controller's environment stays out. */
  private static final Set<String> USER_ENV_ALLOWED = Set.of("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TERM");

  private final DesktopSettings settings;
  private final Map<String, RoomDesktop> desktops = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong restartsTotal = new java.util.concurrent.atomic.AtomicLong();
  private final List<RoomDesktop> all = new CopyOnWriteArrayList<>();
  private final Set<Integer> displaysInUse = ConcurrentHashMap.newKeySet();
  private final DesktopIsolation.Mode isolation;

  public ProcessDesktopManager(DesktopSettings settings) {
    this.settings = settings;
    if (!Files.isRegularFile(settings.script())) {
      throw new IllegalArgumentException("room.desktop.script " + settings.script() + " does not exist");
    }
    this.isolation = DesktopIsolation.resolve(settings.isolation());
    if (isolation == DesktopIsolation.Mode.USERS) {
      try {
        // Room users pass through the base to their own dir (--x), but cannot list it or enter another room's.
        DesktopIsolation.privateDir(settings.runtimeBase().getParent(), "rwx--x--x");
        DesktopIsolation.privateDir(settings.runtimeBase(), "rwx--x--x");
      } catch (IOException e) {
        throw new IllegalStateException("room.desktop.runtime-base: " + e.getMessage(), e);
      }
      DesktopIsolation.ensureX11SocketDir();
      LOG.info("room desktops run as their own system users ({}N), runtime dirs under {}", DesktopIsolation.USER_PREFIX,
          settings.runtimeBase());
    }
  }

  /** The isolation in force (auto resolved). */
  public DesktopIsolation.Mode isolation() {
    return isolation;
  }

  @Override
  public void start(Room room, PublishTarget target) {
    RoomDesktop desktop = desktops.computeIfAbsent(room.id(), id -> {
      RoomDesktop created = new RoomDesktop(id, target);
      all.add(created);
      created.thread.start();
      return created;
    });
    desktop.retarget(target);
  }

  @Override
  public void stop(Room room) {
    RoomDesktop desktop = desktops.remove(room.id());
    if (desktop != null) {
      desktop.requestStop();
    }
  }

  @Override
  public DesktopState state(String roomId) {
    RoomDesktop desktop = desktops.get(roomId);
    return desktop == null ? DesktopState.STOPPED : desktop.state();
  }

  @Override
  public Optional<InetSocketAddress> vncAddress(String roomId) {
    RoomDesktop desktop = desktops.get(roomId);
    return desktop == null ? Optional.empty() : desktop.vncAddress();
  }

  @Override
  public Optional<space.share.room.vnc.VncEndpoint> vncEndpoint(String roomId) {
    RoomDesktop desktop = desktops.get(roomId);
    return desktop == null ? Optional.empty() : desktop.vncEndpoint();
  }

  /** The room's current display, VNC port, dirs and room.sh pid; empty when not running. */
  public Optional<DesktopInfo> info(String roomId) {
    RoomDesktop desktop = desktops.get(roomId);
    return desktop == null ? Optional.empty() : desktop.info();
  }

  /** Stops every room's desktop and waits until each is gone (at most the stop grace + 15 s). */
  @Override
  public long restartsTotal() {
    return restartsTotal.get();
  }

  @Override
  public void close() {
    desktops.clear();
    for (RoomDesktop desktop : all) {
      desktop.requestStop();
    }
    long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.stopGraceMs() + 15_000);
    for (RoomDesktop desktop : all) {
      try {
        desktop.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (desktop.thread.isAlive()) {
        LOG.error("room {} desktop did not stop in time", desktop.roomId);
      }
    }
    all.removeIf(d -> !d.thread.isAlive());
  }

  private int allocateDisplay() {
    for (int n = settings.displayBase(); n < settings.displayBase() + 1000; n++) {
      if (!Files.exists(Path.of("/tmp/.X" + n + "-lock")) && !Files.exists(Path.of("/tmp/.X11-unix/X" + n))
          && displaysInUse.add(n)) {
        return n;
      }
    }
    throw new IllegalStateException("no free X display from " + settings.displayBase());
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** One room: its supervisor thread and what it currently runs. */
  private final class RoomDesktop implements Runnable {
    final String roomId;
    /** Where the encoder publishes; guarded by this, with the write of the URL file. */
    private PublishTarget target;
    final Path roomDir;
    final Path runtimeDir;
    final Path logFile;
    final Thread thread;
    final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile Process process;
    private volatile int displayNum = -1;
    private volatile int vncPort;
    /** Port and password of the current launch, published together. */
    private volatile space.share.room.vnc.VncEndpoint vnc;
    private volatile DesktopIsolation.DesktopUser user;
    private volatile boolean inBackoff;
    private volatile boolean stopped;
    private volatile int restarts;

    RoomDesktop(String roomId, PublishTarget target) {
      this.roomId = roomId;
      this.target = target;
      this.roomDir = settings.dataDir().resolve("desktops").resolve(roomId);
      this.runtimeDir = isolation == DesktopIsolation.Mode.USERS ? settings.runtimeBase().resolve(roomId)
          : roomDir.resolve("run");
      this.logFile = roomDir.resolve("desktop.log");
      this.thread = new Thread(this, "desktop-" + roomId);
      thread.setDaemon(true);
    }

    void requestStop() {
      stopRequested.countDown();
    }

    /** A new publish target: the URL file is rewritten while room.sh runs (else the next launch writes it). */
    synchronized void retarget(PublishTarget next) {
      if (next.equals(target)) {
        return;
      }
      target = next;
      Process p = process;
      if (p == null || !p.isAlive()) {
        return;
      }
      try {
        writeRtmpUrl(user);
        LOG.info("room {} desktop: encoder restarts to publish to media server {} ({})", roomId, next.mediaHostId(),
            next.redacted());
      } catch (IOException e) {
        LOG.error("room {} desktop: could not write its new publish target: {}", roomId, e.toString());
      }
    }

    /** {@code run/rtmp-url}: written whole under another name, then renamed over the old one (room.sh reads it). */
    private synchronized void writeRtmpUrl(DesktopIsolation.DesktopUser runAs) throws IOException {
      Path file = runtimeDir.resolve(DesktopSettings.RTMP_URL_FILE);
      Path temporary = runtimeDir.resolve(DesktopSettings.RTMP_URL_FILE + ".new");
      writePrivate(temporary, target.rtmpUrl() + "\n", runAs);
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private synchronized PublishTarget target() {
      return target;
    }

    boolean stopping() {
      return stopRequested.getCount() == 0;
    }

    DesktopState state() {
      if (stopped || stopping()) {
        return DesktopState.STOPPED;
      }
      if (inBackoff) {
        return DesktopState.FAILED;
      }
      if (process == null) {
        return DesktopState.STARTING;
      }
      return StatusFile.stateOf(StatusFile.read(runtimeDir.resolve("status")));
    }

    Optional<InetSocketAddress> vncAddress() {
      return vncEndpoint().map(space.share.room.vnc.VncEndpoint::address);
    }

    Optional<space.share.room.vnc.VncEndpoint> vncEndpoint() {
      Process p = process;
      space.share.room.vnc.VncEndpoint endpoint = vnc;
      return p == null || !p.isAlive() || stopping() || endpoint == null ? Optional.empty() : Optional.of(endpoint);
    }

    Optional<DesktopInfo> info() {
      Process p = process;
      return p == null ? Optional.empty()
          : Optional.of(new DesktopInfo(displayNum, vncPort, runtimeDir, logFile, p.pid(), restarts, Optional.ofNullable(user)));
    }

    @Override
    public void run() {
      Backoff backoff = new Backoff(settings.restartInitialMs(), settings.restartMaxMs(), settings.restartResetMs());
      try {
        while (!stopping()) {
          long startedNanos = System.nanoTime();
          String outcome;
          try {
            Process p = launch();
            while (!p.waitFor(200, TimeUnit.MILLISECONDS) && !stopping()) {
              // wait for room.sh to exit or for a stop
            }
            if (stopping()) {
              break;
            }
            outcome = "exited with status " + p.exitValue();
            // Whatever the dead room.sh left (it may have been SIGKILLed) goes with it.
            killLeftovers(p.pid());
          } catch (IOException | RuntimeException e) {
            outcome = "could not start: " + e;
          }
          process = null;
          vnc = null;
          releaseDisplay();
          long upMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
          long delayMs = backoff.delayAfterExitMs(upMs);
          LOG.warn("room {} desktop {} after {} ms; restarting in {} ms (log: {})", roomId, outcome, upMs, delayMs, logFile);
          inBackoff = true;
          if (stopRequested.await(delayMs, TimeUnit.MILLISECONDS)) {
            break;
          }
          inBackoff = false;
          restarts++;
          restartsTotal.incrementAndGet();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        terminate();
        stopped = true;
      }
    }

    /** Synchronized with {@link #retarget}: the URL file and room.sh's environment name the same target. */
    private synchronized Process launch() throws IOException {
      Files.createDirectories(roomDir);
      rotateLog();
      // A dead room.sh's status file would show its components as running until the new one rewrites it.
      Files.deleteIfExists(runtimeDir.resolve("status"));
      int display = allocateDisplay();
      displayNum = display;
      vnc = null;
      vncPort = freeLoopbackPort();
      String password = space.share.room.vnc.RfbHandshake.randomPassword();
      DesktopIsolation.DesktopUser runAs = isolation == DesktopIsolation.Mode.USERS ? DesktopIsolation.userFor(display) : null;
      user = runAs;
      prepareRuntimeDir(runAs, password);
      java.util.List<String> command = new java.util.ArrayList<>(List.of("setsid"));
      if (runAs != null) {
        // Its own PID namespace (with its own /proc): the room's programs see only the room's processes, so no other
        // room can read this one's command lines (ffmpeg's carries the stream key), and when room.sh (its init) ends
        // the kernel ends everything left in it.
        command.addAll(DesktopIsolation.ownPidNamespace());
        command.addAll(DesktopIsolation.runAs(runAs));
      }
      command.add(settings.script().toString());
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory((runAs == null ? roomDir : runtimeDir).toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Map<String, String> env = builder.environment();
      if (runAs == null) {
        // The room's programs (its browser above all) never see the controller's secrets.
        env.keySet().removeIf(name -> name.startsWith("SHARE_SPACE_") || name.startsWith("DESKTOP_"));
      } else {
        env.keySet().retainAll(USER_ENV_ALLOWED);
        env.put("HOME", runtimeDir.toString());
        env.put("USER", runAs.name());
        env.put("LOGNAME", runAs.name());
        env.put("XDG_RUNTIME_DIR", runtimeDir.toString());
      }
      env.putAll(settings.environment(display, vncPort, runtimeDir, target()));
      Process p = builder.start();
      process = p;
      vnc = new space.share.room.vnc.VncEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), vncPort), password);
      LOG.info("room {} desktop started: room.sh pid {}{}, display :{}, VNC 127.0.0.1:{} (password-protected), {}x{}@{}"
          + " (log: {})", roomId, p.pid(), runAs == null ? "" : " as " + runAs.name(), display, vncPort, settings.width(),
          settings.height(), settings.fps(), logFile);
      return p;
    }

    /**
     * A fresh runtime dir (0700) holding the VNC password file (0600), both the room user's when rooms have users.
     * Written before room.sh starts, so x11vnc never runs without it.
     */
    private void prepareRuntimeDir(DesktopIsolation.DesktopUser runAs, String password) throws IOException {
      if (runAs != null && Files.exists(runtimeDir, LinkOption.NOFOLLOW_LINKS)
          && (Integer) Files.getAttribute(runtimeDir, "unix:uid", LinkOption.NOFOLLOW_LINKS) != runAs.uid()) {
        deleteRecursively(runtimeDir); // the last launch ran on another display, as another user
      }
      Files.createDirectories(runtimeDir);
      Files.setPosixFilePermissions(runtimeDir, PosixFilePermissions.fromString("rwx------"));
      writePrivate(runtimeDir.resolve(DesktopSettings.VNC_PASSWORD_FILE), password + "\n", runAs);
      writeRtmpUrl(runAs);
      if (runAs != null) {
        DesktopIsolation.chown(runtimeDir, runAs);
      }
    }

    /** A 0600 file of the room's user (when it has one) in its runtime dir. */
    private void writePrivate(Path file, String content, DesktopIsolation.DesktopUser runAs) throws IOException {
      Files.deleteIfExists(file);
      // CREATE_NEW (O_EXCL) and one open: nothing the room's user put in its dir can redirect this write.
      try (var channel = Files.newByteChannel(file,
          Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
        channel.write(java.nio.ByteBuffer.wrap(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      }
      if (runAs != null) {
        DesktopIsolation.chown(file, runAs);
      }
    }

    /** Stops the running room.sh (if any) and everything of this room. Runs on the supervisor thread. */
    private void terminate() {
      Process p = process;
      if (p != null && p.isAlive()) {
        List<StatusFile.Component> components = StatusFile.read(runtimeDir.resolve("status"));
        ProcessTree.signalGroup(p.pid(), "TERM");
        if (!awaitGone(p)) {
          LOG.warn("room {} desktop (room.sh pid {}) still running {} ms after SIGTERM, killing it", roomId, p.pid(),
              settings.stopGraceMs());
        }
        // In its own PID namespace the status file's pids are the namespace's, not ours: the namespace ends with
        // room.sh and takes its components with it.
        for (StatusFile.Component c : user != null ? List.<StatusFile.Component>of() : components) {
          c.pid().ifPresent(pid -> {
            if (!ProcessTree.groupMembers(pid).isEmpty()) {
              ProcessTree.signalGroup(pid, "KILL");
            }
          });
        }
        killLeftovers(p.pid());
      } else {
        sweepEnvironment();
      }
      process = null;
      vnc = null;
      releaseDisplay();
      deleteRecursively(runtimeDir);
      LOG.info("room {} desktop stopped", roomId);
    }

    /**
     * Waits up to the stop grace for room.sh to finish its own orderly stop. In a PID namespace {@code p} is {@code
     * unshare}, which the group's SIGTERM ends at once while room.sh (the namespace's init) still stops its components:
     * wait for the whole group to be gone then.
     */
    private boolean awaitGone(Process p) {
      long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.stopGraceMs());
      try {
        if (!p.waitFor(settings.stopGraceMs(), TimeUnit.MILLISECONDS)) {
          return false;
        }
        while (!ProcessTree.groupMembers(p.pid()).isEmpty()) {
          if (System.nanoTime() > deadlineNanos) {
            return false;
          }
          sleepQuietly(50);
        }
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    /** SIGKILL to room.sh's group and to every process still carrying this room's runtime dir. */
    private void killLeftovers(long roomShPid) {
      if (!ProcessTree.groupMembers(roomShPid).isEmpty()) {
        ProcessTree.signalGroup(roomShPid, "KILL");
      }
      sweepEnvironment();
    }

    private void sweepEnvironment() {
      long deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      List<Long> left = ProcessTree.withEnvironment("DESKTOP_RUNTIME_DIR", runtimeDir.toString());
      while (!left.isEmpty()) {
        LOG.info("room {} desktop: killing {} leftover process(es) {}", roomId, left.size(), left);
        for (long pid : left) {
          ProcessTree.signal(pid, "KILL");
        }
        if (System.nanoTime() > deadlineNanos) {
          LOG.error("room {} desktop: processes {} survive SIGKILL", roomId, left);
          return;
        }
        sleepQuietly(50);
        left = ProcessTree.withEnvironment("DESKTOP_RUNTIME_DIR", runtimeDir.toString());
      }
    }

    private void releaseDisplay() {
      int display = displayNum;
      if (display < 0) {
        return;
      }
      // Xvfb killed with SIGKILL leaves its lock and socket; remove them when their owner is gone.
      Path lock = Path.of("/tmp/.X" + display + "-lock");
      try {
        if (Files.exists(lock)) {
          long owner = Long.parseLong(Files.readString(lock).trim());
          // A room's own user made it inside the room's PID namespace, which is gone by now (its pid is not ours).
          DesktopIsolation.DesktopUser roomUser = user;
          boolean ownedByRoom = roomUser != null && ((Integer) Files.getAttribute(lock, "unix:uid")) == roomUser.uid();
          if (ownedByRoom || ProcessHandle.of(owner).isEmpty()) {
            Files.deleteIfExists(lock);
            Files.deleteIfExists(Path.of("/tmp/.X11-unix/X" + display));
          }
        }
      } catch (IOException | NumberFormatException e) {
        LOG.debug("room {}: could not check X lock {}: {}", roomId, lock, e.toString());
      }
      displaysInUse.remove(display);
    }

    private void rotateLog() throws IOException {
      if (Files.exists(logFile) && Files.size(logFile) > MAX_LOG_BYTES) {
        Files.move(logFile, logFile.resolveSibling("desktop.log.1"), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("could not remove {}: {}", dir, e.toString());
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
