package space.share.player.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through Debian's chromedriver: fixed binary paths so Selenium Manager
 * never downloads anything, a fresh profile per browser, the flags that work on this machine.
 * Not thread-safe: one test thread per instance.
 */
public final class Chromium implements AutoCloseable {
  public static final String CHROMIUM = System.getProperty("chromium.binary", "/usr/bin/chromium");
  public static final String CHROMEDRIVER = System.getProperty("chromedriver.binary", "/usr/bin/chromedriver");

  private final Path profileDir;
  private final ChromeDriverService service;
  public final ChromeDriver driver;

  public Chromium(int windowWidth, int windowHeight) {
    try {
      profileDir = Files.createTempDirectory("sharespace-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
    service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of(CHROMEDRIVER).toFile()).usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profileDir, "--window-size=" + windowWidth + "," + windowHeight,
        "--disable-background-timer-throttling", "--disable-renderer-backgrounding");
    options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
  }

  /** The page's console output since the last call (for failure messages and the test log). */
  public String console() {
    StringBuilder sb = new StringBuilder();
    for (var e : driver.manage().logs().get("browser")) sb.append(e.getLevel()).append(' ').append(e.getMessage()).append('\n');
    return sb.toString();
  }

  public Object js(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  public Object jsAsync(String script, Object... args) {
    return driver.executeAsyncScript(script, args);
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      try (Stream<Path> walk = Files.walk(profileDir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a leftover temp profile is harmless
      }
    }
  }
}
