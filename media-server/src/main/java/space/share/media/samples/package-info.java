/**
 * What every stage passes on: coded frames ({@link space.share.media.samples.Sample}), their tracks, codec
 * configurations and the {@link space.share.media.samples.MediaSink} a demuxer feeds. Imports nothing of the server.
 */
package space.share.media.samples;
