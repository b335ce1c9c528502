package space.share.media.access;

import java.util.Optional;
import org.slf4j.Logger;
import space.share.media.status.MediaStatus;

/**
 * How a viewer is refused, the same on every surface that serves a stream (the WebSocket feed, LL-HLS): the status,
 * the message the client sees, and one log line naming the peer.
 */
public record ViewRefusal(MediaStatus status, String message) {

  /**
   * The refusal for {@code decision}, logged once at INFO on {@code log} as {@code "<surface> <streamId> refused to
   * <peer>: <why>"}; empty when the decision is {@link AccessPolicy.ViewDecision#ALLOWED}.
   *
   * @param token the token the viewer presented, or null
   */
  public static Optional<ViewRefusal> of(AccessPolicy.ViewDecision decision, String streamId, String token,
      String peer, String surface, Logger log) {
    return switch (decision) {
      case ALLOWED -> Optional.empty();
      case REVOKED -> {
        log.info("{} {} refused to {}: revoked token of member {}", surface, streamId, peer,
            AccessPolicy.memberIdOf(token));
        yield Optional.of(new ViewRefusal(MediaStatus.FORBIDDEN, "media token revoked"));
      }
      case FORBIDDEN -> {
        log.info("{} {} refused to {}: {} token", surface, streamId, peer, token == null ? "missing" : "invalid");
        yield Optional.of(new ViewRefusal(MediaStatus.FORBIDDEN,
            token == null ? "a member token is required" : "invalid token"));
      }
      case UNKNOWN_STREAM -> {
        log.info("{} {} refused to {}: unknown stream", surface, streamId, peer);
        yield Optional.of(new ViewRefusal(MediaStatus.NOT_FOUND, "unknown stream '" + streamId + "'"));
      }
    };
  }
}
