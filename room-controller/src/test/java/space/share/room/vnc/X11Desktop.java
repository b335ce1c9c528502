package space.share.room.vnc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import space.share.room.rooms.DesktopManager;
import space.share.room.rooms.DesktopState;
import space.share.room.rooms.Room;

/**
 * A real desktop for integration tests: Xvfb on a free display ({@code -displayfd}), an xterm running
 * {@code cat > file}, and x11vnc on a free localhost port. Also the test's {@link DesktopManager}.
 * Every process is killed on {@link #close}.
 */
final class X11Desktop implements DesktopManager, AutoCloseable {
  static final int WIDTH = 1024;
  static final int HEIGHT = 768;

  private final List<Process> processes = new ArrayList<>();
  final String display;
  final int vncPort;
  final Path typedFile;
  /** x11vnc's password (-passwdfile, 0600), answered by the proxy: as in a room, never -nopw. */
  final String password = RfbHandshake.randomPassword();

  X11Desktop(Path workDir) throws Exception {
    this(workDir, List.of());
  }

  /** @param extraVncArgs added to the x11vnc command line, e.g. {@code -nofb} */
  X11Desktop(Path workDir, List<String> extraVncArgs) throws Exception {
    java.nio.file.Files.createDirectories(workDir);
    try {
      Process xvfb = start(List.of("Xvfb", "-displayfd", "1", "-screen", "0", WIDTH + "x" + HEIGHT + "x24", "-nolisten", "tcp"),
          workDir.resolve("xvfb.log"), false);
      BufferedReader out = new BufferedReader(new InputStreamReader(xvfb.getInputStream(), StandardCharsets.US_ASCII));
      String number = readLineWithin(out, 10_000);
      display = ":" + number.trim();
      typedFile = workDir.resolve("typed.txt");
      // -displayfd reports the number once the sockets exist; still, let a client through before the xterm.
      waitFor(() -> xvfb.isAlive() && run("xdotool", "getdisplaygeometry").exitCode == 0, 10_000, "display " + display + " to answer");
      List<String> xterm = List.of("xterm", "-display", display, "-T", "share-space-it", "-geometry", "80x24+0+0",
          "-e", "sh", "-c", "cat > '" + typedFile + "'");
      // An xterm that exits at once (seen once in CI: "Can't open display") is started again, twice at most.
      Process terminal = start(xterm, workDir.resolve("xterm.log"), true);
      for (int starts = 1; ; starts++) {
        Process current = terminal;
        waitFor(() -> !current.isAlive() || run("xdotool", "search", "--name", "share-space-it").exitCode == 0, 30_000,
            "xterm window on display " + display);
        if (current.isAlive()) {
          break;
        }
        if (starts == 3) {
          throw new AssertionError("xterm exited 3 times on display " + display + ", Xvfb alive: " + xvfb.isAlive());
        }
        terminal = start(xterm, workDir.resolve("xterm.log"), true);
      }
      vncPort = freePort();
      Path passwordFile = workDir.resolve("vnc-password");
      java.nio.file.Files.writeString(passwordFile, password + "\n");
      java.nio.file.Files.setPosixFilePermissions(passwordFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      List<String> vnc = new ArrayList<>(List.of("x11vnc", "-display", display, "-rfbport", Integer.toString(vncPort),
          "-localhost", "-passwdfile", passwordFile.toString(), "-forever", "-shared", "-noxdamage", "-q"));
      vnc.addAll(extraVncArgs);
      start(vnc, workDir.resolve("x11vnc.log"), true);
      waitFor(() -> canConnect(vncPort), 30_000, "x11vnc on port " + vncPort);
    } catch (Exception | AssertionError e) {
      close();
      StringBuilder logs = new StringBuilder(e.getMessage());
      for (String name : List.of("xvfb.log", "xterm.log", "x11vnc.log")) {
        Path log = workDir.resolve(name);
        if (java.nio.file.Files.exists(log)) {
          logs.append("\n--- ").append(name).append(":\n").append(java.nio.file.Files.readString(log));
        }
      }
      throw new AssertionError(logs.toString(), e);
    }
  }

  record Result(int exitCode, String out) {}

  Result run(String... command) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().put("DISPLAY", display);
      Process process = builder.start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, out);
      }
      return new Result(process.exitValue(), out);
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, e.toString());
    }
  }

  /** {@code x:100 y:120 screen:0 window:...} → {x, y}. */
  int[] mouseLocation() {
    String out = run("xdotool", "getmouselocation").out();
    int x = Integer.parseInt(out.replaceAll("(?s).*x:(\\d+).*", "$1"));
    int y = Integer.parseInt(out.replaceAll("(?s).*y:(\\d+).*", "$1"));
    return new int[] {x, y};
  }

  interface Condition {
    boolean met() throws Exception;
  }

  static void waitFor(Condition condition, long timeoutMs, String what) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.met()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  private Process start(List<String> command, Path log, boolean logStdout) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    if (logStdout) {
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    }
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  private static String readLineWithin(BufferedReader reader, long timeoutMs) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!reader.ready()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("Xvfb did not report its display within " + timeoutMs + " ms");
      }
      Thread.sleep(20);
    }
    return reader.readLine();
  }

  private static boolean canConnect(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void start(Room room, space.share.room.rooms.PublishTarget target) {}

  @Override
  public void stop(Room room) {}

  @Override
  public DesktopState state(String roomId) {
    return DesktopState.RUNNING;
  }

  @Override
  public Optional<InetSocketAddress> vncAddress(String roomId) {
    return Optional.of(new InetSocketAddress("127.0.0.1", vncPort));
  }

  @Override
  public Optional<space.share.room.vnc.VncEndpoint> vncEndpoint(String roomId) {
    return vncAddress(roomId).map(address -> new space.share.room.vnc.VncEndpoint(address, password));
  }

  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process process = processes.get(i);
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
    }
    for (Process process : processes) {
      try {
        if (!process.waitFor(3, TimeUnit.SECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
