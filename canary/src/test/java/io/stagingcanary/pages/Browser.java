package io.stagingcanary.pages;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A real headless Chromium (the Debian {@code chromium} and {@code chromium-driver} packages),
 * driven through Selenium with both paths set explicitly, so Selenium Manager never looks for or
 * downloads a driver. Skips the calling test with a clear message when the packages are absent,
 * unless {@code CANARY_BROWSER_REQUIRED=true} (CI), where their absence fails it. Collects the
 * browser's console so a test can fail on any error.
 */
final class Browser implements AutoCloseable {

  static final Path CHROMIUM = Path.of(env("CANARY_CHROMIUM", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER = Path.of(env("CANARY_CHROMEDRIVER", "/usr/bin/chromedriver"));
  static final Path SCREENSHOTS = Path.of("target", "pages-screenshots");

  final ChromeDriver driver;
  private final List<String> consoleErrors = new ArrayList<>();

  private Browser(ChromeDriver driver) {
    this.driver = driver;
  }

  /**
   * Whether a browser test should run: the packages are there, or CI requires them (then {@link
   * #start()} fails naming what is missing). A class annotated {@code @EnabledIf} with this is
   * reported as skipped with {@link #SKIPPED} otherwise, before the agent starts.
   */
  static boolean presentOrRequired() {
    return (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
        || Boolean.parseBoolean(System.getenv("CANARY_BROWSER_REQUIRED"));
  }

  static final String SKIPPED =
      "no headless browser: install the Debian packages chromium and chromium-driver"
          + " (/usr/bin/chromium, /usr/bin/chromedriver; or set CANARY_CHROMIUM and"
          + " CANARY_CHROMEDRIVER); CI sets CANARY_BROWSER_REQUIRED=true to fail instead";

  /** A fresh headless browser, or the test is skipped (failed under CANARY_BROWSER_REQUIRED). */
  static Browser start() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    String missing =
        "no headless browser: "
            + CHROMIUM
            + " and "
            + CHROMEDRIVER
            + " must exist (Debian: apt-get install chromium chromium-driver)";
    if (Boolean.parseBoolean(System.getenv("CANARY_BROWSER_REQUIRED"))) {
      assertThat(present).as(missing + "; CANARY_BROWSER_REQUIRED=true").isTrue();
    }
    Assumptions.assumeTrue(present, missing + "; skipped");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        "--window-size=1200,1000");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return new Browser(driver);
  }

  void open(String url) {
    driver.get(url);
    collectConsole();
  }

  void refresh() {
    driver.navigate().refresh();
    collectConsole();
  }

  /** Console entries of level SEVERE (errors, failed loads, CSP violations) seen so far. */
  List<String> consoleErrors() {
    collectConsole();
    return List.copyOf(consoleErrors);
  }

  /** Forgets the errors seen so far (after a deliberate one). */
  void clearConsoleErrors() {
    collectConsole();
    consoleErrors.clear();
  }

  private void collectConsole() {
    for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
      if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
        consoleErrors.add(entry.getMessage());
      }
    }
  }

  /** Saves a PNG of the viewport under {@code target/pages-screenshots/}. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
