/**
 * The controller as a client of the media server, and its background jobs: the poller that learns each room's
 * stream state ({@link space.share.room.mediaclient.StreamPoller} over
 * {@link space.share.room.mediaclient.HttpStreamStatusSource}) and the media token revocations
 * ({@link space.share.room.mediaclient.MediaRevocations} over
 * {@link space.share.room.mediaclient.HttpMediaRevocationClient}). Both run on a scheduler handed in.
 */
package space.share.room.mediaclient;
