package space.share.room.mediaclient;

import java.io.IOException;
import space.share.room.members.Revocation;

/**
 * The media server's side of revocation: {@code POST /internal/revocations} in production
 * ({@link HttpMediaRevocationClient}), a fake in tests. Called from the {@link MediaRevocations} thread only.
 */
public interface MediaRevocationClient {
  /** Sends one revocation; an IOException when it was not accepted (unreachable, or any answer but 200). */
  void revoke(Revocation revocation) throws IOException, InterruptedException;

  /** The media server's boot id: a new value means it restarted and forgot every revocation. */
  String bootId() throws IOException, InterruptedException;
}
