package space.share.room.desktop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import space.share.room.rooms.DesktopState;

/**
 * room.sh's {@code $DESKTOP_RUNTIME_DIR/status}: one line per component, {@code name state pid restarts
 * last_exit_status} with state {@code running | backoff | stopped} and {@code -} for no pid / no exit yet
 * (docs/desktop.md, "Contract for a supervisor"). room.sh replaces the file atomically (write + rename).
 *
 * <p>Stateless; thread-safe.
 */
public final class StatusFile {
  private StatusFile() {}

  /** One component line. {@code pid} is also the component's process group (room.sh starts each with setsid). */
  public record Component(String name, String state, OptionalInt pid, int restarts, OptionalInt lastExitStatus) {
    public boolean running() {
      return state.equals("running");
    }

    public boolean inBackoff() {
      return state.equals("backoff");
    }
  }

  /** Parses the file's text; malformed lines are skipped (the file is only ever replaced whole). */
  public static List<Component> parse(String text) {
    List<Component> components = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length != 5 || f[0].isEmpty()) {
        continue;
      }
      try {
        components.add(new Component(f[0], f[1], optionalInt(f[2]), Integer.parseInt(f[3]), optionalInt(f[4])));
      } catch (NumberFormatException e) {
        // skip the line
      }
    }
    return components;
  }

  /** Reads and parses the file; empty when it does not exist (yet). */
  public static List<Component> read(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * The room's desktop state from its components: {@code failed} when one is in backoff (it died and waits
   * for its restart), {@code running} when every one runs, else {@code starting} (no file yet, or stopped ones).
   */
  public static DesktopState stateOf(List<Component> components) {
    if (components.isEmpty()) {
      return DesktopState.STARTING;
    }
    boolean allRunning = true;
    for (Component c : components) {
      if (c.inBackoff()) {
        return DesktopState.FAILED;
      }
      allRunning &= c.running();
    }
    return allRunning ? DesktopState.RUNNING : DesktopState.STARTING;
  }

  private static OptionalInt optionalInt(String field) {
    return field.equals("-") ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(field));
  }
}
