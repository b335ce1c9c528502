/**
 * The WebSocket fMP4 feed, {@code /live/{streamId}/feed}: one {@link space.share.media.feed.FeedViewer} per viewer,
 * one send in flight each, closed when too slow, on revocation or at token expiry. Knows {@code access},
 * {@code stream}, {@code cmaf} and {@code status}.
 */
package space.share.media.feed;
