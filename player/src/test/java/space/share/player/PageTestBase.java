package space.share.player;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.support.ui.WebDriverWait;
import space.share.player.testsupport.Chromium;
import space.share.player.testsupport.FakeShareSpace;
import space.share.player.testsupport.FfmpegPublisher;
import space.share.player.testsupport.StampedFrames;

/**
 * Shared set-up of the page tests: the built pages on the test's stand-in servers, real ffmpeg publishing
 * stamped frames, real headless Chromium. The feed's clock (prft, HTTP Date) is skewed by seven seconds,
 * as a server on another clock would be.
 */
abstract class PageTestBase {
  static final Path BUILT = Path.of(System.getProperty("player.dir", "target/classes/player"));
  static final Path REPORTS = Path.of("target/failsafe-reports/screenshots");
  static final long SKEW_MS = 7000;

  FakeShareSpace servers;

  /** How far the stand-in servers' clock (prft, HTTP Date) is off this machine's. */
  long clockSkewMs() {
    return SKEW_MS;
  }

  FfmpegPublisher publisher;
  Chromium chromium;
  Path ffmpegLog;

  @BeforeEach
  void start() throws Exception {
    Files.createDirectories(REPORTS);
    servers = new FakeShareSpace(BUILT, clockSkewMs());
    servers.addRoom("room1", "Design review", "secret");
    ffmpegLog = Files.createTempFile("ffmpeg-", ".log");
    chromium = new Chromium(1280, 800);
  }

  @AfterEach
  void stop() throws Exception {
    System.out.println("browser console:\n" + chromium.console());
    try (Chromium c = chromium; FakeShareSpace s = servers) {
      if (publisher != null) publisher.close();
    } finally {
      Files.deleteIfExists(ffmpegLog);
    }
  }

  void publishStamped(boolean audio) throws IOException {
    List<String> input = new ArrayList<>(List.of("-f", "rawvideo", "-pix_fmt", "gray", "-s", "1280x720", "-r", "30", "-i", "pipe:0"));
    if (audio) input.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"));
    publisher = new FfmpegPublisher(input, audio, 1280, 720, 30, servers.feed, out -> StampedFrames.write(out, 30), SKEW_MS, ffmpegLog);
  }

  void join(String name, String passcode) {
    joinAs(chromium, name, passcode);
  }

  /** Opens the room page as a fresh member of this browser and submits the join form. */
  void joinAs(Chromium c, String name, String passcode) {
    c.driver.get(servers.baseUrl() + "room.html?room=room1" + extraQuery);
    c.js("sessionStorage.clear()"); // a fresh member every time
    c.driver.navigate().refresh();
    wait(c, 10).until(d -> d.findElement(By.id("join")).isDisplayed());
    c.driver.findElement(By.id("join-name")).clear();
    c.driver.findElement(By.id("join-name")).sendKeys(name);
    c.driver.findElement(By.id("join-passcode")).sendKeys(passcode);
    c.driver.findElement(By.id("join-submit")).click();
  }

  WebDriverWait wait(Chromium c, int seconds) {
    return new WebDriverWait(c.driver, Duration.ofSeconds(seconds), Duration.ofMillis(100));
  }

  /** Added to the room page address; -Dplayer.query=&decoder=mse runs a test on the other path. */
  String extraQuery = System.getProperty("player.query", "");

  WebDriverWait wait(int seconds) {
    return new WebDriverWait(chromium.driver, Duration.ofSeconds(seconds), Duration.ofMillis(100));
  }

  String pill() {
    return chromium.driver.findElement(By.id("conn-state")).getText();
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> stats() {
    return (Map<String, Object>) chromium.js("return window.shareSpace.stats()");
  }

  void screenshot(String name) throws IOException {
    Files.write(REPORTS.resolve(name + ".png"), chromium.driver.getScreenshotAs(OutputType.BYTES));
  }

  static double percentile(List<Double> values, double p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100 * sorted.size()) - 1));
  }

  /** Waits until {@code frames} more frames were shown (counted afresh) before a measurement. */
  void settle(int frames, int timeoutSeconds) {
    chromium.js("window.shareSpace.resetDelays()");
    wait(timeoutSeconds).until(d -> ((Number) stats().get("delaySamples")).intValue() >= frames);
  }

  /**
   * Collects the independent (stamped) and in-page delays until {@code frames} stamped frames were shown; fails,
   * saying how many were, when that takes longer than timeoutSeconds.
   */
  Measured measureFrames(int frames, int timeoutSeconds) {
    chromium.js(StampedFrames.READER_JS);
    chromium.js("window.shareSpace.resetDelays && window.shareSpace.resetDelays()");
    try {
      wait(timeoutSeconds).until(d -> ((Number) chromium.js("return window.__stamped.length")).intValue() >= frames);
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError(frames + " stamped frames not shown within " + timeoutSeconds + " s: "
          + chromium.js("return window.__stamped.length + ' shown, ' + window.__stampErrors + ' unreadable'")
          + "; stats " + stats() + "; publisher " + FfmpegPublisher.tail(ffmpegLog), e);
    }
    return measured();
  }

  @SuppressWarnings("unchecked")
  private Measured measured() {
    List<Double> stamped = ((List<Number>) chromium.js("return window.__stamped")).stream().map(Number::doubleValue).toList();
    Map<String, Object> s = stats();
    return new Measured(stamped, s, ((Number) chromium.js("return window.__stampErrors")).intValue());
  }

  /** Waits until the video's playback position moves on by more than {@code seconds} (it plays, not just shows). */
  void awaitVideoAdvances(double seconds, int timeoutSeconds) {
    double t0 = videoTime();
    try {
      wait(timeoutSeconds).until(d -> videoTime() - t0 > seconds);
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError("video did not advance by " + seconds + " s within " + timeoutSeconds + " s: "
          + t0 + " -> " + videoTime() + "; stats " + stats(), e);
    }
  }

  double videoTime() {
    return ((Number) chromium.js("return document.getElementById('video').currentTime")).doubleValue();
  }

  record Measured(List<Double> stamped, Map<String, Object> stats, int stampErrors) {
    double stampedP(double p) { return percentile(stamped, p); }
    double page(String key) { return ((Number) stats.get(key)).doubleValue(); }
    String line() {
      return String.format("capture->display stamped p50 %.0f p95 %.0f ms (%d frames, %d unreadable) | in-page prft p50 %.0f p95 %.0f ms | buffered %.0f ms | offset %.1f±%.1f ms (%s) | seeks %s dropped %s",
          stampedP(50), stampedP(95), stamped.size(), stampErrors, page("delayP50Ms"), page("delayP95Ms"), page("bufferedSec") * 1000,
          page("clockOffsetMs"), page("clockUncertaintyMs"), stats.get("clockSource"), stats.get("seeks"), stats.get("droppedFrames"));
    }
  }
}
