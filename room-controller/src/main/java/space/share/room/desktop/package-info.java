/**
 * Room desktops run by the controller: {@link space.share.room.desktop.ProcessDesktopManager} starts one
 * {@code desktop/room.sh} per room (Xvfb, PulseAudio, window manager + app, x11vnc, ffmpeg; docs/desktop.md),
 * restarts it with {@link space.share.room.desktop.Backoff} when it dies, reports the room's
 * {@link space.share.room.rooms.DesktopState} from room.sh's status file ({@link space.share.room.desktop.StatusFile}),
 * and on stop leaves no process behind ({@link space.share.room.desktop.ProcessTree}).
 * {@link space.share.room.desktop.KubernetesDesktopManager} runs one pod per room instead ({@code
 * room.desktop.mode=kubernetes}; docs/kubernetes.md), its state from the pod's status ({@link
 * space.share.room.desktop.PodStates}).
 */
package space.share.room.desktop;
