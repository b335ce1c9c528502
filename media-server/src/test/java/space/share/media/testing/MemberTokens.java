package space.share.media.testing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs member media tokens for tests, independently of the server's code (docs/protocol.md). */
public final class MemberTokens {
  private MemberTokens() {}

  public static String token(String roomId, String memberId, long expiresEpochSeconds, String secret)
      throws Exception {
    String payload = roomId + "|" + memberId + "|" + expiresEpochSeconds;
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String sig = Base64.getUrlEncoder().withoutPadding()
        .encodeToString(mac.doFinal(("media|" + payload).getBytes(StandardCharsets.UTF_8)));
    return "m1." + roomId + "." + memberId + "." + expiresEpochSeconds + "." + sig;
  }
}
