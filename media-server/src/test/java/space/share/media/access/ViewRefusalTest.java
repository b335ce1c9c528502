package space.share.media.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import space.share.media.access.AccessPolicy.ViewDecision;
import space.share.media.status.MediaStatus;

/** The one mapping from a view decision to what the feed and LL-HLS answer. */
class ViewRefusalTest {
  static Stream<Arguments> decisions() {
    String token = "m1.room-1.alice.1800000060.sig";
    return Stream.of(
        Arguments.of(ViewDecision.ALLOWED, token, Optional.empty()),
        Arguments.of(ViewDecision.REVOKED, token,
            Optional.of(new ViewRefusal(MediaStatus.FORBIDDEN, "media token revoked"))),
        Arguments.of(ViewDecision.FORBIDDEN, null,
            Optional.of(new ViewRefusal(MediaStatus.FORBIDDEN, "a member token is required"))),
        Arguments.of(ViewDecision.FORBIDDEN, token,
            Optional.of(new ViewRefusal(MediaStatus.FORBIDDEN, "invalid token"))),
        Arguments.of(ViewDecision.UNKNOWN_STREAM, token,
            Optional.of(new ViewRefusal(MediaStatus.NOT_FOUND, "unknown stream 'room-1'"))));
  }

  @ParameterizedTest
  @MethodSource("decisions")
  void of_decision_givesItsStatusAndMessage(ViewDecision decision, String token, Optional<ViewRefusal> expected) {
    assertEquals(expected,
        ViewRefusal.of(decision, "room-1", token, "127.0.0.1:1", "test", LoggerFactory.getLogger(getClass())));
  }
}
