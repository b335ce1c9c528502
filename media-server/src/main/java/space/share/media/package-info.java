/**
 * Share Space media server: RTMP in, CMAF out over a WebSocket feed and LL-HLS.
 *
 * <pre>
 *  publisher ──RTMP──▶ ingest.rtmp ──▶ ingest.flv ──▶ stream ──▶ cmaf      (one fragment per sample)
 *                      (guard, Red5)   (FLV demux)    LiveStream │
 *                                                      │         ├──▶ feed: FeedViewer ──WS /live/{id}/feed──▶ MSE
 *                                                      │         └──▶ hls: HlsPackager ──GET /live/{id}/*.m3u8──▶ HLS
 *  room controller ──POST /internal/revocations──▶ http ──▶ access (tokens, revocations)
 *  scraper ──GET /metrics (Bearer metrics.token)──▶ http ──▶ metrics (counted by stream, feed, hls, ingest.rtmp)
 * </pre>
 *
 * Dependencies point one way, down this list; nothing imports a package above it:
 * <ol>
 *   <li>{@code MediaServer}, {@code MediaConfig} (this package): wire everything together;
 *   <li>{@code http}: the Jetty server, status API, revocations; mounts {@code feed} and {@code hls};
 *   <li>{@code feed}, {@code hls}, {@code ingest.rtmp}: the edges, each knowing {@code access} and {@code stream};
 *   <li>{@code ingest.flv}; {@code stream} (knows {@code cmaf}); {@code cmaf} (knows {@code samples});
 *   <li>{@code access}: who may publish and watch, and {@link space.share.media.access.ViewRefusal}, the one
 *       mapping from a view decision to what a viewer is told;
 *   <li>{@code samples}: the coded frames and codec configurations every stage passes on;
 *       {@code status}: {@link space.share.media.status.MediaStatus}, every refusal's HTTP status, WebSocket close
 *       code and error code, and {@link space.share.media.status.JsonResponses}, their one JSON renderer;
 *       {@code metrics}: {@link space.share.media.metrics.MediaMetrics}, every meter and its name.
 * </ol>
 */
package space.share.media;
