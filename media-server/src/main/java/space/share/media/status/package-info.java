/**
 * The bottom of the media server: {@link space.share.media.status.MediaStatus}, every refusal it gives on the wire,
 * and {@link space.share.media.status.JsonResponses}, the one JSON body writer. Imports nothing of the server.
 */
package space.share.media.status;
