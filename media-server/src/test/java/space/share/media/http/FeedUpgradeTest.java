package space.share.media.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import space.share.media.access.AccessPolicy;
import space.share.media.access.RevocationRequests;
import space.share.media.stream.StreamRegistry;
import space.share.settings.HttpLimits;

/** The feed's WebSocket upgrade as a browser sends it, over a raw socket. */
class FeedUpgradeTest {
  private MediaHttpServer server;

  @BeforeEach
  void start() throws Exception {
    server = new MediaHttpServer("127.0.0.1", 0, new StreamRegistry(),
        new AccessPolicy("", Map.of("open", new AccessPolicy.StaticStream("open", "open-relay-key-0123", true)),
            Clock.systemUTC()),
        new RevocationRequests("", Clock.systemUTC()), 1 << 20, null, HttpLimits.DEFAULTS);
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void upgrade_browserOffersPermessageDeflate_acceptedWithoutIt() throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2_000);
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(("GET /live/open/feed HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      byte[] buffer = new byte[2048];
      int n = socket.getInputStream().read(buffer);
      String response = new String(buffer, 0, Math.max(0, n), StandardCharsets.ISO_8859_1);
      assertTrue(response.startsWith("HTTP/1.1 101"), response);
      assertFalse(response.toLowerCase().contains("sec-websocket-extensions"),
          "the feed negotiated an extension: every viewer would get its own compressor and copy\n" + response);
    }
  }
}
