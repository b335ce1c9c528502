/**
 * Room desktops run by the controller: {@link space.share.room.desktop.ProcessDesktopManager} starts one
 * {@code desktop/room.sh} per room (Xvfb, PulseAudio, window manager + app, x11vnc, ffmpeg; docs/desktop.md),
 * restarts it with {@link space.share.room.desktop.Backoff} when it dies, reports the room's
 * {@link space.share.room.rooms.DesktopState} from room.sh's status file ({@link space.share.room.desktop.StatusFile}),
 * and on stop leaves no process behind ({@link space.share.room.desktop.ProcessTree}).
 */
package space.share.room.desktop;
