/**
 * What members draw and point at over the shared picture, carried by the room event socket: inbound
 * message validation ({@link space.share.room.overlay.OverlayMessage}), the room's kept strokes
 * ({@link space.share.room.overlay.AnnotationBoard}) and per-member rate limits
 * ({@link space.share.room.overlay.TokenBucket}). Coordinates are desktop-normalised (0..1), so every
 * viewer draws them over its own letterboxed picture. Pure logic: no I/O, no clock of its own;
 * {@code api.OverlayHub} drives it and fans the results out.
 */
package space.share.room.overlay;
