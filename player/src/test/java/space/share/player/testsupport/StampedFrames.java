package space.share.player.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Random;

/**
 * Writes raw gray 1280x720 frames in real time, each carrying the low 40 bits of its capture wall-clock time (ms) as a
 * barcode across the top: 40 cells of 32 px, each bit written twice (row A the bit, row B its inverse)
 * so a reader decides a bit by comparing a cell with its twin, whatever the encoder did to the levels.
 * The rest of the frame moves (a sliding bar and random blocks) so the encoder has real work.
 * The same layout is decoded in the page by {@link #READER_JS}.
 */
public final class StampedFrames {
  public static final int WIDTH = 1280;
  public static final int HEIGHT = 720;
  public static final int BITS = 40;
  public static final int CELL_PX = WIDTH / BITS;
  public static final int ROW_A_Y = 8;
  public static final int ROW_B_Y = 48;
  public static final int ROW_PX = 36;

  private StampedFrames() {}

  /** Writes frames at frameRate until the stream is closed or the thread is interrupted. */
  public static void write(OutputStream out, double frameRate) {
    byte[] frame = new byte[WIDTH * HEIGHT];
    Random random = new Random(7);
    long periodNanos = (long) (1e9 / frameRate);
    long next = System.nanoTime();
    int n = 0;
    try {
      while (!Thread.currentThread().isInterrupted()) {
        long sleep = next - System.nanoTime();
        if (sleep > 0) Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
        next += periodNanos;
        java.util.Arrays.fill(frame, (byte) 90);
        int barX = (n * 8) % WIDTH;
        for (int y = 100; y < HEIGHT; y++) for (int x = barX; x < Math.min(WIDTH, barX + 60); x++) frame[y * WIDTH + x] = (byte) 200;
        for (int b = 0; b < 12; b++) {
          int bx = random.nextInt(WIDTH - 32);
          int by = 100 + random.nextInt(HEIGHT - 132);
          byte v = (byte) random.nextInt(256);
          for (int y = by; y < by + 32; y++) java.util.Arrays.fill(frame, y * WIDTH + bx, y * WIDTH + bx + 32, v);
        }
        long stampMs = System.currentTimeMillis();
        for (int bit = 0; bit < BITS; bit++) {
          boolean one = ((stampMs >>> (BITS - 1 - bit)) & 1) == 1;
          fillCell(frame, bit, ROW_A_Y, one ? 235 : 16);
          fillCell(frame, bit, ROW_B_Y, one ? 16 : 235);
        }
        out.write(frame);
        n++;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void fillCell(byte[] frame, int bit, int y0, int value) {
    for (int y = y0; y < y0 + ROW_PX; y++) {
      java.util.Arrays.fill(frame, y * WIDTH + bit * CELL_PX, y * WIDTH + (bit + 1) * CELL_PX, (byte) value);
    }
  }

  /**
   * Page-side reader: on every presented frame, draws the video into a canvas, decodes the stamp, and
   * records (display time - stamp). Independent of the page's prft-based measurement. Install with
   * executeScript; results in window.__stamped (array of ms).
   */
  public static final String READER_JS = """
      const v = document.getElementById('video');
      const W = %d, BITS = %d, CELL = %d, YA = %d, YB = %d, ROW = %d;
      const c = document.createElement('canvas'); c.width = W; c.height = YB + ROW;
      const g = c.getContext('2d', { willReadFrequently: true });
      window.__stamped = []; window.__stampErrors = 0;
      const onFrame = (now, meta) => {
        if (v.videoWidth === W) {
          g.drawImage(v, 0, 0, W, YB + ROW, 0, 0, W, YB + ROW);
          const img = g.getImageData(0, 0, W, YB + ROW).data;
          const lum = (x, y) => img[(y * W + x) * 4 + 1];
          let stamp = 0, ok = true;
          for (let b = 0; b < BITS; b++) {
            const x = b * CELL + (CELL >> 1);
            const a = lum(x, YA + (ROW >> 1)), z = lum(x, YB + (ROW >> 1));
            if (Math.abs(a - z) < 60) { ok = false; break; }
            stamp = stamp * 2 + (a > z ? 1 : 0);
          }
          const shownAt = performance.timeOrigin + (meta.expectedDisplayTime || now);
          // The stamp is the low 40 bits of the capture time in ms; rebuild the rest from this clock.
          const nowMs = Date.now(), M = 2 ** 40;
          const ageMs = (((nowMs %% M) - stamp) %% M + M) %% M;
          if (ok && ageMs < 60000) window.__stamped.push(shownAt - (nowMs - ageMs)); else window.__stampErrors++;
        }
        v.requestVideoFrameCallback(onFrame);
      };
      v.requestVideoFrameCallback(onFrame);
      """.formatted(WIDTH, BITS, CELL_PX, ROW_A_Y, ROW_B_Y, ROW_PX);
}
