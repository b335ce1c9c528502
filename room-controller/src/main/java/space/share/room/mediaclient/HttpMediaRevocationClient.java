package space.share.room.mediaclient;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import com.fasterxml.jackson.databind.ObjectMapper;
import space.share.room.members.Revocation;
import space.share.room.rooms.RoomSettings;
import space.share.room.token.TokenSigner;

/**
 * {@link MediaRevocationClient} over HTTP: {@code POST {room.media.internal-url}/internal/revocations} signed with the
 * shared secret, and the {@code X-Share-Space-Boot-Id} header of {@code GET /healthz}. Thread-safe.
 */
public final class HttpMediaRevocationClient implements MediaRevocationClient {
  static final String SIGNATURE_HEADER = "X-Share-Space-Signature";
  static final String BOOT_ID_HEADER = "X-Share-Space-Boot-Id";

  private final HttpClient client;
  private final String baseUrl;
  private final Duration timeout;
  private final TokenSigner signer;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();

  /** @param signer null when no secret is configured: every call fails (and is logged) */
  public HttpMediaRevocationClient(String baseUrl, Duration timeout, TokenSigner signer, Clock clock) {
    this.baseUrl = RoomSettings.trimSlash(baseUrl);
    this.timeout = timeout;
    this.signer = signer;
    this.clock = clock;
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public void revoke(Revocation revocation) throws IOException, InterruptedException {
    if (signer == null) {
      throw new IOException("no shared secret configured: cannot sign revocations");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("roomId", revocation.roomId());
    body.put("memberId", revocation.memberId());
    body.put("until", revocation.untilEpochSeconds());
    body.put("issuedAt", clock.millis() / 1000);
    byte[] bytes = json.writeValueAsBytes(body);
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/internal/revocations"))
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header(SIGNATURE_HEADER, signer.revocationSignature(bytes))
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
        .build();
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (response.statusCode() != 200) {
      throw new IOException("media server answered " + response.statusCode() + ": " + response.body());
    }
  }

  @Override
  public String toString() {
    return "media server " + baseUrl;
  }

  @Override
  public String bootId() throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/healthz")).timeout(timeout).GET().build();
    HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() != 200) {
      throw new IOException("media server health answered " + response.statusCode());
    }
    return response.headers().firstValue(BOOT_ID_HEADER)
        .orElseThrow(() -> new IOException("media server sent no " + BOOT_ID_HEADER + " header"));
  }
}
