package space.share.player;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;
import space.share.player.testsupport.Chromium;
import space.share.player.testsupport.RtmpPublisher;

/**
 * Drawing and pointing between two real Chromium members through the real room controller (in-process,
 * serving these pages, its event socket carrying the strokes and the pointer) watching a real stream
 * (ffmpeg test pattern over RTMP to the real media server with the room's stream key). The members' windows
 * differ in size and shape, so the picture is letterboxed differently on each: a stroke and a pointer must
 * land on the same desktop-relative spot anyway.
 */
class AnnotateIT extends RealControllerBase {
  Chromium bob;

  @BeforeEach
  void startController() throws Exception {
    startController(Map.of());
  }

  @AfterEach
  void stopAll() throws Exception {
    try (Chromium b = bob) {
      if (bob != null) System.out.println("bob's console:\n" + bob.console());
      if (rtmp != null) rtmp.close();
      rtmp = null;
    } finally {
      stopController();
    }
  }

  void enter(Chromium c, String name) {
    c.driver.get(base + "room.html?room=draw");
    c.js("sessionStorage.clear()");
    c.driver.navigate().refresh();
    wait(c, 10).until(d -> d.findElement(By.id("join")).isDisplayed());
    c.driver.findElement(By.id("join-name")).sendKeys(name);
    c.driver.findElement(By.id("join-passcode")).sendKeys("letmedraw");
    c.driver.findElement(By.id("join-submit")).click();
    wait(c, 30).until(d -> ((Number) c.js("return document.getElementById('video').videoWidth")).intValue() == 1280);
    wait(c, 10).until(d -> "open".equals(state(c).get("events")));
  }

  static Map<?, ?> state(Chromium c) {
    return (Map<?, ?>) c.js("return window.shareSpace.state()");
  }

  static Map<?, ?> rect(Chromium c) {
    return (Map<?, ?>) c.js("return window.shareSpace.pictureRect()");
  }

  static double num(Map<?, ?> m, String key) {
    return ((Number) m.get(key)).doubleValue();
  }

  /** Moves the pointer to desktop-normalised (x, y) of the picture (offsets from the element's centre). */
  static Actions moveTo(Chromium c, Actions actions, double x, double y) {
    Map<?, ?> r = rect(c);
    WebElement layer = c.driver.findElement(By.id("annot-layer"));
    return actions.moveToElement(layer, (int) Math.round((x - 0.5) * num(r, "width")), (int) Math.round((y - 0.5) * num(r, "height")));
  }

  /** RGBA of the annotation canvas at desktop-normalised (x, y). */
  @SuppressWarnings("unchecked")
  static List<Number> pixel(Chromium c, double x, double y) {
    return (List<Number>) c.js("""
        const cv = document.getElementById('annot-layer');
        const d = cv.getContext('2d').getImageData(Math.floor(arguments[0] * cv.width), Math.floor(arguments[1] * cv.height), 1, 1).data;
        return [d[0], d[1], d[2], d[3]];""", x, y);
  }

  /** The normalised y range of opaque pixels in the canvas column at normalised x; null when none. */
  @SuppressWarnings("unchecked")
  static List<Number> opaqueRows(Chromium c, double x) {
    return (List<Number>) c.js("""
        const cv = document.getElementById('annot-layer');
        const d = cv.getContext('2d').getImageData(Math.floor(arguments[0] * cv.width), 0, 1, cv.height).data;
        let lo = -1, hi = -1;
        for (let y = 0; y < cv.height; y++) if (d[y * 4 + 3] > 128) { if (lo < 0) lo = y; hi = y; }
        return lo < 0 ? null : [lo / cv.height, hi / cv.height];""", x);
  }

  static long opaquePixels(Chromium c) {
    return ((Number) c.js("""
        const cv = document.getElementById('annot-layer');
        const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n;""")).longValue();
  }

  void shot(Chromium c, String name) throws Exception {
    Files.write(REPORTS.resolve(name + ".png"), c.driver.getScreenshotAs(OutputType.BYTES));
  }

  @Test
  void drawClearAndPoint_otherMemberSeesItAtTheSameDesktopSpot() throws Exception {
    JsonNode created = admin("POST", "api/rooms", "{\"id\":\"draw\",\"name\":\"Drawing room\",\"passcode\":\"letmedraw\"}");
    rtmp = new RtmpPublisher(List.of("-re", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30"), false,
        created.path("room").path("publishUrl").asText(), null, ffmpegLog);
    enter(chromium, "Alice");
    bob = new Chromium(900, 820); // another size and shape: letterboxed differently from Alice's 1280x800
    enter(bob, "Bob");
    Map<?, ?> aliceRect = rect(chromium);
    Map<?, ?> bobRect = rect(bob);
    System.out.printf("pictures: Alice %.0fx%.0f at %.0f,%.0f; Bob %.0fx%.0f at %.0f,%.0f%n", num(aliceRect, "width"), num(aliceRect, "height"),
        num(aliceRect, "x"), num(aliceRect, "y"), num(bobRect, "width"), num(bobRect, "height"), num(bobRect, "x"), num(bobRect, "y"));
    assertTrue(Math.abs(num(aliceRect, "width") - num(bobRect, "width")) > 100, "the pictures differ in size");

    // Alice draws a horizontal pen stroke from (0.3, 0.4) to (0.6, 0.4) with the mouse.
    chromium.driver.findElement(By.id("draw-btn")).click();
    wait(5).until(d -> d.findElement(By.id("annot-bar")).isDisplayed());
    Actions stroke = moveTo(chromium, new Actions(chromium.driver), 0.3, 0.4).clickAndHold();
    for (int i = 1; i <= 10; i++) {
      stroke = moveTo(chromium, stroke, 0.3 + 0.03 * i, 0.4);
    }
    stroke.release().perform();

    // Bob's canvas shows it at the same desktop-relative place: red on the line, nothing elsewhere.
    wait(bob, 5).until(d -> ((List<?>) bob.js("return window.shareSpace.annotations()")).size() == 1);
    Map<?, ?> received = (Map<?, ?>) ((List<?>) bob.js("return window.shareSpace.annotations()")).get(0);
    assertEquals(state(chromium).get("member"), received.get("author"));
    assertEquals("Alice", received.get("name"));
    List<Number> onLine = pixel(bob, 0.45, 0.4);
    System.out.println("Bob's canvas at (0.45, 0.4): " + onLine + ", rows at x=0.45: " + opaqueRows(bob, 0.45));
    assertTrue(onLine.get(0).intValue() > 200 && onLine.get(1).intValue() < 120 && onLine.get(3).intValue() > 200, "red at the stroke: " + onLine);
    List<Number> rows = opaqueRows(bob, 0.45);
    double middle = (rows.get(0).doubleValue() + rows.get(1).doubleValue()) / 2;
    assertTrue(Math.abs(middle - 0.4) < 0.01, "the stroke is at y=0.4 of Bob's picture: " + rows);
    assertEquals(0, pixel(bob, 0.45, 0.6).get(3).intValue(), "nothing drawn elsewhere");
    assertEquals(0, pixel(bob, 0.2, 0.4).get(3).intValue(), "nothing left of the stroke's start");
    assertTrue(pixel(bob, 0.32, 0.4).get(3).intValue() > 200 && pixel(bob, 0.58, 0.4).get(3).intValue() > 200, "from start to end");
    shot(chromium, "annotate-alice-drew");
    shot(bob, "annotate-bob-sees-stroke");

    // A late joiner (Bob reloading: a fresh event socket) gets it in the snapshot.
    bob.driver.navigate().refresh();
    wait(bob, 15).until(d -> ((List<?>) bob.js("return window.shareSpace ? window.shareSpace.annotations() : []")).size() == 1);
    wait(bob, 5).until(d -> opaqueRows(bob, 0.45) != null);

    // Alice clears hers: Bob's canvas is empty.
    chromium.driver.findElement(By.id("annot-clear-mine")).click();
    wait(bob, 5).until(d -> opaquePixels(bob) == 0);
    assertEquals(0, ((List<?>) bob.js("return window.shareSpace.annotations()")).size());
    chromium.driver.findElement(By.id("annot-done")).click();

    // Alice takes control and points: Bob sees her labelled pointer at that desktop spot within a second.
    chromium.driver.findElement(By.id("control-btn")).click();
    wait(bob, 10).until(d -> state(chromium).get("member").equals(((Map<?, ?>) state(bob).get("room")).get("controlHolder")));
    for (double[] at : new double[][] {{0.7, 0.3}, {0.25, 0.8}}) {
      moveTo(chromium, new Actions(chromium.driver), at[0] - 0.01, at[1]).perform();
      long movedNs = System.nanoTime();
      moveTo(chromium, new Actions(chromium.driver), at[0], at[1]).perform();
      Map<?, ?> br = rect(bob);
      double wantX = num(br, "x") + at[0] * num(br, "width");
      double wantY = num(br, "y") + at[1] * num(br, "height");
      new WebDriverWait(bob.driver, Duration.ofSeconds(1), Duration.ofMillis(10)).until(d -> {
        Map<?, ?> cur = (Map<?, ?>) bob.js("return window.shareSpace.remoteCursor()");
        Map<?, ?> r = (Map<?, ?>) cur.get("rect");
        return !Boolean.TRUE.equals(cur.get("hidden")) && Math.abs(num(r, "x") + 1 - wantX) <= 2 && Math.abs(num(r, "y") + 1 - wantY) <= 2;
      });
      System.out.printf("Bob saw Alice's pointer at (%.2f, %.2f) %d ms after the move returned%n", at[0], at[1],
          (System.nanoTime() - movedNs) / 1_000_000);
    }
    Map<?, ?> cursor = (Map<?, ?>) bob.js("return window.shareSpace.remoteCursor()");
    assertEquals("Alice", cursor.get("name"));
    assertEquals(state(chromium).get("member"), cursor.get("memberId"));
    shot(bob, "annotate-bob-sees-alices-pointer");
    shot(chromium, "annotate-alice-in-control");

    // Alice releases control: her pointer goes from Bob's screen.
    chromium.driver.findElement(By.id("control-btn")).click();
    wait(bob, 5).until(d -> Boolean.TRUE.equals(((Map<?, ?>) bob.js("return window.shareSpace.remoteCursor()")).get("hidden")));
  }
}
