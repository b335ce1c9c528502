package space.share.room.rooms;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The state of a room's desktop part (Xvfb, window manager, browser, x11vnc, ffmpeg). */
public enum DesktopState {
  /** No desktop is supervised for this room (the no-op {@link DesktopManager}). */
  NONE,
  /** Not supervised here, but a VNC target is configured (e.g. started by hand or by compose). */
  EXTERNAL,
  STARTING,
  RUNNING,
  STOPPED,
  FAILED;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
