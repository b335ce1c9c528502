package space.share.room.desktop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How room desktops are kept apart ({@code room.desktop.isolation}). Every mode gives each room its own random VNC
 * password and X cookie; {@link Mode#USERS} also runs each room's desktop as its own system user, {@code ss-desk-N}
 * after the room's X display number N (created on first use with {@code useradd --system}, no login shell), so a
 * room's processes cannot read another room's files, environment or password, nor signal its processes.
 *
 * <p>Stateless apart from the resolved mode; user creation is serialised (useradd locks /etc/passwd itself, but two
 * rooms asking for the same name at once would race on "exists?"). Thread-safe.
 */
public final class DesktopIsolation {
  private static final Logger LOG = LoggerFactory.getLogger(DesktopIsolation.class);
  static final String USER_PREFIX = "ss-desk-";

  /** {@code room.desktop.isolation}. */
  public enum Mode {
    /** {@link #USERS} when the controller runs as root, else {@link #NONE} (with a warning). */
    AUTO,
    /** One system user per room desktop; needs root. */
    USERS,
    /** Every room runs as the controller's user: only the VNC password and X cookie separate rooms. */
    NONE;

    public static Mode parse(String value) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("room.desktop.isolation must be auto, users or none: " + value);
      }
    }
  }

  /** A room's desktop user. */
  public record DesktopUser(String name, int uid, int gid) {}

  private DesktopIsolation() {}

  /** The controller's own uid, from /proc (no JNI). */
  public static int currentUid() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalStateException("cannot tell the controller's uid from /proc/self", e);
    }
  }

  /** AUTO resolved; USERS without root is a configuration error. */
  public static Mode resolve(Mode configured) {
    boolean root = currentUid() == 0;
    if (configured == Mode.USERS && !root) {
      throw new IllegalArgumentException("room.desktop.isolation=users needs the controller to run as root"
          + " (it creates a system user per room desktop); use auto or none");
    }
    Mode mode = configured == Mode.AUTO ? (root ? Mode.USERS : Mode.NONE) : configured;
    if (mode == Mode.NONE) {
      LOG.warn("ROOMS ARE NOT ISOLATED FROM EACH OTHER: room.desktop.isolation={} and the controller runs as uid {}:"
          + " every room's desktop (its browser, its terminal) runs as this user and can read the other rooms' files,"
          + " environment (stream keys) and VNC passwords, and this controller's config. Run the controller as root"
          + " (isolation=auto) to give each room desktop its own system user.", configured.name().toLowerCase(Locale.ROOT),
          currentUid());
    }
    return mode;
  }

  /** The desktop user of display {@code displayNum}, created when missing. */
  public static synchronized DesktopUser userFor(int displayNum) {
    String name = USER_PREFIX + displayNum;
    if (run("id", "-u", name).exitCode() != 0) {
      Result created = run("useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
          "--shell", "/usr/sbin/nologin", "--user-group", "--comment", "Share Space room desktop", name);
      if (created.exitCode() != 0 && run("id", "-u", name).exitCode() != 0) {
        throw new IllegalStateException("cannot create the room desktop user " + name + ": " + created.out());
      }
      LOG.info("created room desktop user {}", name);
    }
    int uid = Integer.parseInt(run("id", "-u", name).out().trim());
    int gid = Integer.parseInt(run("id", "-g", name).out().trim());
    if (uid == 0 || gid == 0) {
      throw new IllegalStateException("room desktop user " + name + " has uid/gid 0: refusing to use it");
    }
    return new DesktopUser(name, uid, gid);
  }

  /** The command prefix that runs a program as {@code user}: setpriv with no way back to more privileges. */
  /** Runs the rest of the command as init of a new PID namespace with its own /proc (needs root). */
  static List<String> ownPidNamespace() {
    return List.of("unshare", "--pid", "--fork", "--mount-proc");
  }

  static List<String> runAs(DesktopUser user) {
    return List.of("setpriv", "--reuid=" + user.uid(), "--regid=" + user.gid(), "--init-groups", "--no-new-privs",
        "--inh-caps=-all", "--");
  }

  /**
   * Creates {@code dir} (and missing parents) as a directory owned by the controller, not a symlink, with
   * {@code mode} (e.g. {@code rwx--x--x}: others may pass through to a room's own dir but not list or read).
   * An existing dir owned by someone else is refused: in a shared /tmp it could have been planted.
   */
  static void privateDir(Path dir, String mode) throws IOException {
    Path parent = dir.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      Files.createDirectories(parent);
    }
    try {
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      // checked below
    }
    PosixFileAttributes attributes = Files.getFileAttributeView(dir, PosixFileAttributeView.class,
        LinkOption.NOFOLLOW_LINKS).readAttributes();
    int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    if (!attributes.isDirectory() || owner != currentUid()) {
      throw new IOException(dir + " exists but is not a directory owned by uid " + currentUid()
          + " (owner " + attributes.owner() + "): refusing to put room desktops there");
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
  }

  /** Gives {@code path} to {@code user} (uid and gid). */
  static void chown(Path path, DesktopUser user) throws IOException {
    UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
    PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    view.setOwner(lookup.lookupPrincipalByName(user.name()));
    view.setGroup(lookup.lookupPrincipalByGroupName(user.name()));
  }

  /** /tmp/.X11-unix must exist (1777, root) before an unprivileged Xvfb starts, or it cannot make its socket. */
  static void ensureX11SocketDir() {
    Path dir = Path.of("/tmp/.X11-unix");
    try {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(dir);
        Result chmod = run("chmod", "1777", dir.toString());
        if (chmod.exitCode() != 0) {
          throw new IOException(chmod.out());
        }
      }
    } catch (IOException e) {
      LOG.warn("could not create {} (mode 1777): unprivileged Xvfb may fail: {}", dir, e.toString());
    }
  }

  record Result(int exitCode, String out) {}

  private static Result run(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, "timed out");
      }
      return new Result(process.exitValue(), out);
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }
}
