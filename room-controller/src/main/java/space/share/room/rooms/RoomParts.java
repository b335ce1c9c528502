package space.share.room.rooms;

/**
 * The state of a room's parts: its desktop, whether its stream is live (and whether the media server
 * answered at all), and whether its VNC server accepts TCP connections.
 */
public record RoomParts(DesktopState desktop, boolean streamLive, boolean mediaReachable, boolean vncReachable) {}
