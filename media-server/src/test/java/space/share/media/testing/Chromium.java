package space.share.media.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through Debian's chromedriver: no Selenium Manager, nothing downloaded.
 */
public final class Chromium {
  private Chromium() {}

  /** A browser whose profile directory is deleted on close. */
  public static Session open() throws Exception {
    Path profile = Files.createTempDirectory("chromium-profile");
    try {
      return new Session(start(profile), profile);
    } catch (Exception | Error e) {
      deleteTree(profile);
      throw e;
    }
  }

  private static ChromeDriver start(Path profile) {
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver"))
        .usingAnyFreePort()
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--autoplay-policy=no-user-gesture-required", "--window-size=1280,800",
        "--user-data-dir=" + profile);
    return new ChromeDriver(service, options);
  }

  /** One browser for one test or benchmark phase: quit and profile deleted on close. */
  public static final class Session implements AutoCloseable {
    private final ChromeDriver driver;
    private final Path profile;

    private Session(ChromeDriver driver, Path profile) {
      this.driver = driver;
      this.profile = profile;
    }

    public ChromeDriver driver() {
      return driver;
    }

    public Object script(String script, Object... args) {
      return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    @Override
    public void close() {
      try {
        driver.quit(); // also stops the chromedriver service it started
      } finally {
        deleteTree(profile);
      }
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp dir
    }
  }
}
