package space.share.player.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real desktop for the control tests: Xvfb on a free display, x11vnc on a free localhost port (started
 * as the room controller's doc says), and an xterm whose window title shows the last line typed into it,
 * so a test can check on the X display itself (xdotool) that typing arrived. Every process is killed on close.
 */
public final class XDesktop implements AutoCloseable {
  public static final int WIDTH = 1280;
  public static final int HEIGHT = 720;
  /** The xterm covers this desktop rectangle (10x20 font, 100x30 cells, at 0,0). */
  public static final int XTERM_WIDTH = 1000;
  public static final int XTERM_HEIGHT = 600;

  public final String display;
  public final int vncPort;
  /** With the room scripts: x11vnc's password (vnc.sh always wants one), for the controller's room.vnc.static-password. */
  public final String vncPassword;
  private final List<Process> processes = new ArrayList<>();
  private final Path log;
  private final Path scripts;
  private final Path runtimeDir;
  private final int displayNum;

  public XDesktop(Path log) throws Exception {
    this(log, null);
  }

  /**
   * @param roomScripts the project's desktop/ folder: x11vnc (with -nofb) and PulseAudio are then started by
   *     its vnc.sh and pulse.sh, as in a room, and {@link #startEncoder} runs its encode.sh; null: a plain x11vnc
   */
  public XDesktop(Path log, Path roomScripts) throws Exception {
    this.log = log;
    this.scripts = roomScripts;
    int n = freeDisplay();
    displayNum = n;
    runtimeDir = Files.createTempDirectory("desktop-runtime-");
    display = ":" + n;
    start("Xvfb", display, "-screen", "0", WIDTH + "x" + HEIGHT + "x24", "-nolisten", "tcp", "-noreset");
    // The socket file appears at bind(), before the server accepts: wait until a client gets an answer.
    waitFor(() -> Files.exists(Path.of("/tmp/.X11-unix/X" + n)) && !xdotool("getdisplaygeometry").isBlank(), 10_000, "Xvfb " + display);
    try (ServerSocket s = new ServerSocket(0)) {
      vncPort = s.getLocalPort();
    }
    if (scripts == null) {
      // -nofb as in a room (desktop/vnc.sh): the page never shows VNC pixels, and without screen polling
      // x11vnc's main loop (which also hands client cut text to the X selection) stays quick on a busy machine.
      start("x11vnc", "-display", display, "-rfbport", String.valueOf(vncPort), "-localhost", "-nopw", "-forever", "-shared",
          "-noxdamage", "-nofb", "-quiet");
      vncPassword = null;
    } else {
      // As a room has it: the password in the runtime dir, 0600, read by x11vnc -passwdfile.
      StringBuilder password = new StringBuilder();
      java.security.SecureRandom random = new java.security.SecureRandom();
      for (int i = 0; i < 8; i++) password.append((char) ('a' + random.nextInt(26)));
      vncPassword = password.toString();
      Path passwordFile = runtimeDir.resolve("vnc-password");
      Files.writeString(passwordFile, vncPassword + "\n");
      Files.setPosixFilePermissions(passwordFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      startScript("vnc.sh", java.util.Map.of());
      startScript("pulse.sh", java.util.Map.of());
    }
    waitFor(() -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", vncPort), 200);
        return true;
      } catch (IOException e) {
        return false;
      }
    }, 15_000, "x11vnc on " + vncPort);
    // Title "typed:<line>" after each line; the line itself stays visible in the terminal.
    String[] xterm = {"xterm", "-display", display, "-geometry", "100x30+0+0", "-fn", "10x20", "-bg", "white", "-fg", "black",
        "-title", "ready", "-e", "sh", "-c", "while read line; do printf '\\033]0;typed:%s\\007' \"$line\"; done"};
    // An xterm that exits at once (seen once in CI: "Can't open display") is started again, twice at most.
    Process terminal = start(xterm);
    for (int starts = 1; ; starts++) {
      Process current = terminal;
      waitFor(() -> !current.isAlive() || !xdotool("search", "--name", "^ready$").isBlank(), 10_000, "xterm window");
      if (current.isAlive()) break;
      if (starts == 3) throw new AssertionError("xterm exited 3 times on " + display + "; see " + log);
      terminal = start(xterm);
    }
  }

  private Process startScript(String name, java.util.Map<String, String> extraEnv) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("bash", scripts.resolve(name).toString()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("DESKTOP_DISPLAY_NUM", String.valueOf(displayNum));
    pb.environment().put("DESKTOP_RUNTIME_DIR", runtimeDir.toString());
    pb.environment().put("DESKTOP_VNC_PORT", String.valueOf(vncPort));
    pb.environment().put("DESKTOP_WIDTH", String.valueOf(WIDTH));
    pb.environment().put("DESKTOP_HEIGHT", String.valueOf(HEIGHT));
    pb.environment().putAll(extraEnv);
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  /** The room's own publisher (desktop/encode.sh: x264 4:4:4 screen-content settings, AAC from PulseAudio). */
  public Process startEncoder(String rtmpUrl) throws IOException {
    return startEncoder(rtmpUrl, java.util.Map.of());
  }

  /** {@link #startEncoder(String)} with more DESKTOP_* settings (docs/desktop.md); stop it with {@link #stop}. */
  public Process startEncoder(String rtmpUrl, java.util.Map<String, String> settings) throws IOException {
    if (scripts == null) throw new IllegalStateException("no room scripts");
    var env = new java.util.HashMap<>(java.util.Map.of("DESKTOP_RTMP_URL", rtmpUrl, "DESKTOP_BITRATE_KBPS", "3000"));
    env.putAll(settings);
    return startScript("encode.sh", env);
  }

  /** Stops one process this desktop started (SIGTERM, then SIGKILL after 5 s) and waits for it. */
  public void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    processes.remove(p);
  }

  /**
   * A visible Chromium in kiosk mode on this display, covering it, showing page (for the delay benchmark: a page
   * that draws the capture clock). Its profile lives in the runtime dir; it is stopped with the desktop.
   */
  public void startBrowser(Path page) throws Exception {
    start("chromium", "--display=" + display, "--no-sandbox", "--test-type", "--kiosk", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-gpu",
        "--window-position=0,0", "--window-size=" + WIDTH + "," + HEIGHT,
        "--user-data-dir=" + runtimeDir.resolve("browser"), page.toUri().toString());
    waitFor(() -> !xdotool("search", "--onlyvisible", "--class", "chromium").isBlank(), 30_000, "chromium window");
  }

  private static int freeDisplay() {
    for (int i = 0; i < 200; i++) {
      int n = 140 + ThreadLocalRandom.current().nextInt(300);
      if (!Files.exists(Path.of("/tmp/.X11-unix/X" + n)) && !Files.exists(Path.of("/tmp/.X" + n + "-lock"))) return n;
    }
    throw new IllegalStateException("no free X display");
  }

  private Process start(String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    processes.add(p);
    return p;
  }

  /** Runs xdotool on this display (bounded), returns stdout. */
  public String xdotool(String... args) {
    List<String> cmd = new ArrayList<>(List.of("xdotool"));
    cmd.addAll(List.of(args));
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
      pb.environment().put("DISPLAY", display);
      Process p = pb.start();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "";
      }
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** The X pointer position {x, y}. */
  public int[] pointer() {
    String out = xdotool("getmouselocation", "--shell");
    int x = -1;
    int y = -1;
    for (String line : out.split("\n")) {
      if (line.startsWith("X=")) x = Integer.parseInt(line.substring(2).trim());
      if (line.startsWith("Y=")) y = Integer.parseInt(line.substring(2).trim());
    }
    return new int[] {x, y};
  }

  /** One frame of the X display as 8-bit gray, WIDTH x HEIGHT, grabbed by ffmpeg. */
  public byte[] grabGray() throws Exception {
    Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "x11grab", "-video_size", WIDTH + "x" + HEIGHT,
        "-i", display, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1")
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    byte[] frame = p.getInputStream().readAllBytes();
    if (!p.waitFor(10, TimeUnit.SECONDS) || frame.length != WIDTH * HEIGHT) throw new IOException("x11grab gave " + frame.length + " bytes");
    return frame;
  }

  /** ffmpeg input arguments that capture this display (with the pointer drawn, as the room's publisher does). */
  public List<String> captureArgs() {
    return List.of("-f", "x11grab", "-draw_mouse", "1", "-video_size", WIDTH + "x" + HEIGHT, "-framerate", "30", "-i", display);
  }

  /** Waits until ok holds; fails naming what was awaited after timeoutMs. */
  public static void waitFor(java.util.function.BooleanSupplier ok, long timeoutMs, String what) throws InterruptedException {
    if (!poll(ok, timeoutMs)) throw new AssertionError(what + " not ready within " + timeoutMs + " ms");
  }

  /** Checks ok every 100 ms until it holds (true) or timeoutMs pass (false). */
  public static boolean poll(java.util.function.BooleanSupplier ok, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) return false;
      Thread.sleep(100);
    }
    return true;
  }

  @Override
  public void close() throws InterruptedException {
    for (int i = processes.size() - 1; i >= 0; i--) {
      stop(processes.get(i));
    }
    try (var walk = Files.walk(runtimeDir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temp dir is harmless
    }
  }
}
