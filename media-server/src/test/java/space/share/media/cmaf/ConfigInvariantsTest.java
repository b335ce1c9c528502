package space.share.media.cmaf;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import space.share.media.samples.AudioConfig;
import space.share.media.samples.VideoConfig;
import space.share.media.testing.AvcFixtures;

/** The value types refuse what would reach the muxer's duration math as a zero timescale or an empty picture. */
class ConfigInvariantsTest {
  @Test
  void audioConfig_zeroSampleRate_isRefusedBeforeAnyDurationDividesByIt() {
    assertThrows(IllegalArgumentException.class,
        () -> new AudioConfig(AvcFixtures.ASC_AAC_LC_48K_STEREO, 0, 2, "mp4a.40.2"));
  }

  @Test
  void videoConfig_emptyPicture_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> new VideoConfig(new byte[8], 0, 720, "avc1.64001f"));
  }
}
