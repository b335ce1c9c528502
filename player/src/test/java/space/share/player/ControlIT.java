package space.share.player;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import space.share.player.testsupport.Chromium;
import space.share.player.testsupport.RtmpPublisher;
import space.share.player.testsupport.XDesktop;

/**
 * Control end to end on a real desktop: Xvfb + xterm, x11vnc, ffmpeg capturing the display and publishing
 * over RTMP to the real media server, the stand-in room controller proxying noVNC to x11vnc, two real
 * Chromium members. The video's pixels match the X display; the member in control clicks and types and the
 * X display (xdotool) shows it, then the video does; the other member moves nothing.
 */
class ControlIT extends RealMediaBase {
  XDesktop desktop;
  java.nio.file.Path desktopLog;
  Chromium bob;

  @BeforeEach
  void startDesktop() throws Exception {
    desktopLog = Files.createTempFile("xdesktop-", ".log");
    desktop = new XDesktop(desktopLog);
    servers.setVncTarget(new InetSocketAddress("127.0.0.1", desktop.vncPort));
    rtmp = new RtmpPublisher(desktop.captureArgs(), false, rtmpUrl("room1"), null, ffmpegLog);
  }

  @AfterEach
  void stopDesktop() throws Exception {
    try (XDesktop d = desktop; Chromium b = bob) {
      if (rtmp != null) rtmp.close();
      rtmp = null;
    } finally {
      Files.deleteIfExists(desktopLog);
    }
  }

  /** Block-average luma of the video's current frame over a desktop rectangle (desktop pixels). */
  @SuppressWarnings("unchecked")
  static double[] videoBlocks(Chromium c, int x, int y, int w, int h, int block) {
    List<Number> out = (List<Number>) c.js("""
        const [x, y, w, h, block] = arguments;
        const v = document.getElementById('video');
        const cv = document.createElement('canvas'); cv.width = w; cv.height = h;
        const g = cv.getContext('2d'); g.drawImage(v, x, y, w, h, 0, 0, w, h);
        const d = g.getImageData(0, 0, w, h).data; const out = [];
        for (let by = 0; by < h; by += block) for (let bx = 0; bx < w; bx += block) {
          let s = 0, n = 0;
          for (let yy = by; yy < by + block; yy++) for (let xx = bx; xx < bx + block; xx++) {
            const i = (yy * w + xx) * 4; s += 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2]; n++;
          }
          out.push(s / n);
        }
        return out;""", x, y, w, h, block);
    return out.stream().mapToDouble(Number::doubleValue).toArray();
  }

  static double[] desktopBlocks(byte[] gray, int x, int y, int w, int h, int block) {
    double[] out = new double[(w / block) * (h / block)];
    int k = 0;
    for (int by = 0; by < h; by += block) {
      for (int bx = 0; bx < w; bx += block) {
        double s = 0;
        for (int yy = by; yy < by + block; yy++) for (int xx = bx; xx < bx + block; xx++) s += gray[(y + yy) * XDesktop.WIDTH + x + xx] & 0xff;
        out[k++] = s / (block * block);
      }
    }
    return out;
  }

  static double meanAbsDiff(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
    return s / a.length;
  }

  static double spread(double[] a) {
    double min = 255;
    double max = 0;
    for (double v : a) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return max - min;
  }

  /**
   * Moves to the box position of desktop pixel (dx, dy) over the control layer and clicks. Returns how
   * many desktop pixels one CSS pixel spans (WebDriver moves the pointer in whole CSS pixels).
   */
  static int clickDesktop(Chromium c, int dx, int dy) {
    WebElement layer = c.driver.findElement(By.id("vnc-layer"));
    @SuppressWarnings("unchecked")
    Map<String, Number> r = (Map<String, Number>) c.js("return window.shareSpace.pictureRect()");
    double w = r.get("width").doubleValue();
    double h = r.get("height").doubleValue();
    int ox = (int) Math.round((dx + 0.5) / XDesktop.WIDTH * w - w / 2);
    int oy = (int) Math.round((dy + 0.5) / XDesktop.HEIGHT * h - h / 2);
    new Actions(c.driver).moveToElement(layer, ox, oy).click().perform();
    return (int) Math.ceil(XDesktop.WIDTH / w);
  }

  /**
   * Waits until the video's frame matches the desktop blocks over a rectangle (mean block difference below
   * maxDiff); returns that difference, or fails with the last one after timeoutSeconds.
   */
  static double awaitVideoMatches(Chromium c, double[] desktop, int x, int y, int w, int h, int block, double maxDiff,
      int timeoutSeconds) throws InterruptedException {
    double[] last = {Double.NaN};
    if (!XDesktop.poll(() -> (last[0] = meanAbsDiff(videoBlocks(c, x, y, w, h, block), desktop)) < maxDiff,
        timeoutSeconds * 1000L)) {
      throw new AssertionError("the video does not match the desktop within " + timeoutSeconds + " s: mean block"
          + " difference " + last[0] + " (at most " + maxDiff + " wanted)");
    }
    return last[0];
  }

  static byte[] grab(XDesktop desktop) {
    try {
      return desktop.grabGray();
    } catch (Exception e) {
      throw new IllegalStateException("grabbing the X display", e);
    }
  }

  /** Resizes the window and waits until the picture is laid out for the new size. */
  static void resizeWindow(Chromium c, Dimension size) throws InterruptedException {
    Object before = c.js("return JSON.stringify(window.shareSpace.pictureRect())");
    c.driver.manage().window().setSize(size);
    XDesktop.waitFor(() -> !before.equals(c.js("return JSON.stringify(window.shareSpace.pictureRect())")), 5000,
        "picture laid out for " + size);
  }

  /** Waits until the X pointer is within tolerancePx of (x, y). */
  static void awaitPointer(XDesktop desktop, int x, int y, int tolerancePx) throws InterruptedException {
    XDesktop.waitFor(() -> {
      int[] p = desktop.pointer();
      return Math.abs(p[0] - x) <= tolerancePx && Math.abs(p[1] - y) <= tolerancePx;
    }, 5000, "X pointer at " + x + "," + y + " (±" + tolerancePx + "), is " + java.util.Arrays.toString(desktop.pointer()));
  }

  static String vncState(Chromium c) {
    return String.valueOf(((Map<?, ?>) c.js("return window.shareSpace.state()")).get("vnc"));
  }

  @Test
  void controlHolder_typesIntoDesktop_andOtherMemberMovesNothing() throws Exception {
    join("Alice", "secret");
    wait(25).until(d -> pill().equals("live"));
    try {
      wait(20).until(d -> ((Number) stats().get("delaySamples")).intValue() > 20);
    } catch (RuntimeException e) {
      screenshot("room-video-not-playing");
      throw new AssertionError("video not playing: " + stats() + " " + chromium.js("const v = document.getElementById('video'); return [v.readyState, v.currentTime, v.paused, v.buffered.length ? v.buffered.end(0) : -1, v.error && v.error.message]") + "\n" + chromium.console(), e);
    }

    // The video's pixels are the desktop's: xterm (white, 1000x600) on the black root window. The static desktop
    // reaches the screen through the video's delay: wait for the match, fail with the last difference.
    byte[] before = desktop.grabGray();
    double[] desk0 = desktopBlocks(before, 0, 0, XDesktop.WIDTH, XDesktop.HEIGHT, 16);
    assertTrue(spread(desk0) > 150, "the desktop has content to compare");
    double diff0 = awaitVideoMatches(chromium, desk0, 0, 0, XDesktop.WIDTH, XDesktop.HEIGHT, 16, 12, 10);
    System.out.printf("video vs desktop, mean |luma diff| over 16x16 blocks: %.3f%n", diff0);
    if (diff0 >= 12) {
      screenshot("room-video-mismatch");
      Files.write(REPORTS.resolve("desktop-gray-1280x720.raw"), before);
    }
    assertTrue(diff0 < 12, "video matches the desktop: mean block difference " + diff0 + ", stats " + stats());

    // Alice takes control: only now does a VNC token and a VNC connection exist.
    assertFalse(servers.log.stream().anyMatch(l -> l.startsWith("vnc open")), servers.log.toString());
    chromium.driver.findElement(By.id("control-btn")).click();
    wait(10).until(d -> vncState(chromium).equals("connected"));
    assertEquals("Release control", chromium.driver.findElement(By.id("control-btn")).getText());

    // A click lands on the same desktop pixel, at two window sizes (letterboxed differently).
    awaitPointer(desktop, 400, 300, clickDesktop(chromium, 400, 300));
    resizeWindow(chromium, new Dimension(900, 900));
    awaitPointer(desktop, 123, 456, clickDesktop(chromium, 123, 456));
    resizeWindow(chromium, new Dimension(1280, 800));

    // Typing reaches the xterm on the X display...
    clickDesktop(chromium, 300, 200);
    new Actions(chromium.driver).sendKeys("hello-share-space" + Keys.ENTER).perform();
    XDesktop.waitFor(() -> !desktop.xdotool("search", "--name", "^typed:hello-share-space$").isBlank(), 10_000,
        "xterm titled typed:hello-share-space");
    screenshot("room-in-control");

    // Clipboard: text sent from the page lands in the desktop's selection; Shift+Insert pastes it in the xterm.
    chromium.driver.findElement(By.id("clipboard-text")).sendKeys("from-the-clipboard");
    chromium.driver.findElement(By.id("clipboard-send")).click();
    // x11vnc takes the X selection in its own main loop while key events go straight to XTEST, so xterm may paste
    // the old selection: paste until the title shows the new text (3 tries, each waiting up to 3 s).
    awaitPointer(desktop, 300, 200, clickDesktop(chromium, 300, 200));
    boolean pasted = false;
    for (int attempt = 0; attempt < 3 && !pasted; attempt++) {
      new Actions(chromium.driver).keyDown(Keys.SHIFT).sendKeys(Keys.INSERT).keyUp(Keys.SHIFT).sendKeys(Keys.ENTER).perform();
      pasted = XDesktop.poll(() -> !desktop.xdotool("search", "--name", "^typed:from-the-clipboard$").isBlank(), 3000);
    }
    assertTrue(pasted, "clipboard text pasted into the xterm (title typed:from-the-clipboard)");

    // ...and then the video: the text rows of the xterm change, and the video comes to match the desktop again.
    double[] textBefore = desktopBlocks(before, 0, 0, 400, 40, 4);
    double[][] textDesk = new double[1][];
    XDesktop.waitFor(() -> meanAbsDiff(textDesk[0] = desktopBlocks(grab(desktop), 0, 0, 400, 40, 4), textBefore) > 5,
        5000, "typing changed the xterm's text rows");
    double changed = meanAbsDiff(textDesk[0], textBefore);
    double shown = awaitVideoMatches(chromium, textDesk[0], 0, 0, 400, 40, 4, changed / 2, 10);
    System.out.printf("typed text rows: desktop changed by %.3f, video vs desktop now %.3f%n", changed, shown);

    // Bob, without control, has no VNC connection: his pointer and keys move nothing.
    bob = new Chromium(1000, 700);
    joinAs(bob, "Bob", "secret");
    wait(bob, 25).until(d -> bob.driver.findElement(By.id("conn-state")).getText().equals("live"));
    WebElement video = bob.driver.findElement(By.id("video"));
    new Actions(bob.driver).moveToElement(video, -200, -100).click().moveToElement(video, 150, 80).click()
        .sendKeys("bob-was-here" + Keys.ENTER).perform();
    // A barrier instead of a sleep: Alice's click goes page -> proxy -> x11vnc after Bob's input was sent. Once the
    // desktop shows hers, and still no second VNC connection exists, Bob's input had no way in.
    awaitPointer(desktop, 700, 500, clickDesktop(chromium, 700, 500));
    assertTrue(desktop.xdotool("search", "--name", "bob-was-here").isBlank(), "Bob's keys reached the desktop");
    assertEquals(1, servers.log.stream().filter(l -> l.startsWith("vnc open")).count(), servers.log.toString());

    // Bob asks; Alice is prompted and gives control; Bob's clicks now move the pointer, Alice's connection closes.
    bob.driver.findElement(By.id("control-btn")).click();
    wait(10).until(d -> chromium.driver.findElement(By.id("control-prompt")).isDisplayed());
    assertTrue(chromium.driver.findElement(By.id("prompt-text")).getText().contains("Bob asks for control"));
    screenshot("room-control-prompt");
    chromium.driver.findElement(By.id("give-btn")).click();
    wait(bob, 10).until(d -> vncState(bob).equals("connected"));
    wait(10).until(d -> !vncState(chromium).equals("connected"));
    awaitPointer(desktop, 640, 360, clickDesktop(bob, 640, 360));
    java.nio.file.Files.write(REPORTS.resolve("room-second-member.png"), bob.driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
  }
}
