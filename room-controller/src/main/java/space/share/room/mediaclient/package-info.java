/**
 * The controller as a client of the media servers, and its background jobs: the poller that checks each server's
 * health and learns each room's stream state from the server it is placed on ({@link space.share.room.mediaclient.StreamPoller} over
 * {@link space.share.room.mediaclient.HttpStreamStatusSource}) and the media token revocations
 * ({@link space.share.room.mediaclient.MediaRevocations} over
 * {@link space.share.room.mediaclient.HttpMediaRevocationClient}, one per media server). Both run on schedulers handed
 * in.
 */
package space.share.room.mediaclient;
