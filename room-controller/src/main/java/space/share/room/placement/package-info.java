/**
 * Several media servers: which ones there are ({@link space.share.room.placement.MediaHosts}, from {@code
 * room.media.servers} or the single-server keys) and which one carries each room's stream
 * ({@link space.share.room.placement.Placements}: least rooms among the servers up; a room moves when its server goes
 * down). Knows only {@code status}; {@code rooms} asks it where a room is, {@code mediaclient} tells it (through
 * {@code rooms}) which servers answer.
 */
package space.share.room.placement;
