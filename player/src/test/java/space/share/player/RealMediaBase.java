package space.share.player;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import space.share.media.MediaConfig;
import space.share.media.MediaServer;
import space.share.player.testsupport.FakeShareSpace;
import space.share.player.testsupport.RtmpPublisher;
import space.share.player.testsupport.StampedFrames;

/**
 * Page tests against the real media server (started in-process once per JVM: Red5 cannot start twice in
 * one JVM, and failsafe runs every IT class in one), fed by real ffmpeg over RTMP with the room's HMAC key.
 */
abstract class RealMediaBase extends PageTestBase {
  static final String SECRET = "test-secret-for-player";
  private static MediaServer media;
  RtmpPublisher rtmp;

  static synchronized MediaServer media() throws Exception {
    if (media == null) {
      media = MediaServer.start(new MediaConfig("127.0.0.1", 0, 0, SECRET, Map.of(), 4 * 1024 * 1024, 200));
      MediaServer m = media;
      Runtime.getRuntime().addShutdownHook(new Thread(m::close, "media-server-stop"));
    }
    return media;
  }

  /** The media server runs on this machine's clock; so does the stand-in room controller here. */
  @Override
  long clockSkewMs() {
    return 0;
  }

  @BeforeEach
  void pointRoomsAtMediaServer() throws Exception {
    servers.useMediaServer("ws://127.0.0.1:" + media().httpPort(), SECRET);
  }

  @AfterEach
  void stopPublisher() throws Exception {
    if (rtmp != null) rtmp.close();
  }

  String rtmpUrl(String roomId) throws Exception {
    return "rtmp://127.0.0.1:" + media().rtmpPort() + "/live/" + FakeShareSpace.publishKey(SECRET, roomId);
  }

  /** Stamped frames and a tone, published as room1. */
  void publish() throws Exception {
    rtmp = new RtmpPublisher(List.of("-f", "rawvideo", "-pix_fmt", "gray", "-s", "1280x720", "-r", "30", "-i", "pipe:0",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"), true, rtmpUrl("room1"), out -> StampedFrames.write(out, 30), ffmpegLog);
  }
}
