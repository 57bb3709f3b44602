package io.stagingcanary.pages;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.fixtures.FixtureCatalog;
import io.stagingcanary.fixtures.SentinelSet;
import io.stagingcanary.fixtures.TenantFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The on-call pages in a real headless Chromium against the agent on the sandbox cluster, as
 * on-call uses them: the overview lists every tenant; a deleted tenant namespace shows as lost
 * within 10 s; the incident link shows the tree (tenant, namespace, objects) and the alert in the
 * timeline; after re-seeding the incident is resolved. Fails on any browser console error;
 * screenshots go to {@code target/pages-screenshots/}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sandbox")
@EnabledIf(
    value = "io.stagingcanary.pages.Browser#presentOrRequired",
    disabledReason = Browser.SKIPPED)
class PagesBrowserTest {

  static final String TENANT = "initech";
  static final String NAMESPACE = "canary-initech";
  @TempDir static Path dataDir;
  static Browser browser;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("canary.data-dir", () -> dataDir.toString());
    registry.add("canary.sandbox.port", () -> "0");
    registry.add("canary.fixtures.path", () -> "../fixtures");
    registry.add("canary.reseed.mode", () -> "manual");
    registry.add("canary.incidents.group-window", () -> "1s");
  }

  @LocalServerPort int port;
  @Autowired KubernetesClient client;
  @Autowired FixtureCatalog fixtures;

  @BeforeAll
  static void startBrowser() {
    browser = Browser.start();
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  String url(String path) {
    return "http://localhost:" + port + path;
  }

  @Test
  void onCallFollowsALossFromTheOverviewToTheResolvedIncident() throws Exception {
    // The console collector sees errors: a page that is not there logs a failed load.
    browser.open(url("/nowhere"));
    assertThat(browser.consoleErrors()).as("the console collector works").isNotEmpty();
    browser.clearConsoleErrors();

    // 1. The overview lists every tenant of every set.
    browser.open(url("/"));
    assertThat(text(By.id("agent-state"))).isEqualTo("HEALTHY");
    for (SentinelSet set : fixtures.sets()) {
      for (TenantFixture tenant : set.tenants()) {
        WebElement card = tenantCard(set.name(), tenant.name());
        assertThat(card.getText()).contains(tenant.name()).contains("OK").contains("PRESENT");
      }
    }
    browser.screenshot("1-overview-healthy");
    assertThat(browser.consoleErrors()).isEmpty();

    // 2. kubectl delete ns: the overview shows the tenant lost within 10 s.
    Instant deleted = Instant.now();
    client.namespaces().withName(NAMESPACE).delete();
    awaitOnPage(
        Duration.ofSeconds(10),
        () -> "MISSING".equals(tenantCard("sandbox", TENANT).getDomAttribute("data-state")));
    Duration shownAfter = Duration.between(deleted, Instant.now());
    WebElement lost = tenantCard("sandbox", TENANT);
    assertThat(lost.getText()).contains("LOST").contains("MISSING");
    assertThat(shownAfter).isLessThan(Duration.ofSeconds(10));
    assertThat(text(By.id("agent-state"))).isEqualTo("LOSS");
    browser.screenshot("2-overview-lost");

    // The tenant's objects are one click away.
    lost.findElement(By.tagName("a")).click();
    assertThat(browser.driver.getCurrentUrl()).endsWith("/tenants/sandbox/" + TENANT);
    List<String> missing =
        browser
            .driver
            .findElements(By.cssSelector("table.sentinels tr[data-state='MISSING']"))
            .stream()
            .map(WebElement::getText)
            .toList();
    assertThat(missing).anySatisfy(row -> assertThat(row).contains("Namespace", NAMESPACE));
    browser.driver.navigate().back();

    // 3. The open incident's link: the tree and, once sealed, the alert in the timeline.
    WebElement link =
        browser.driver.findElement(By.cssSelector("#open-incidents a[href^='/incidents/']"));
    String incidentId = link.getText();
    link.click();
    assertThat(browser.driver.getCurrentUrl()).endsWith("/incidents/" + incidentId);
    awaitOnPage(
        Duration.ofSeconds(20),
        () ->
            text(By.id("timeline")).contains("alert SentinelLoss firing to channel log")
                && text(By.id("timeline")).contains("delivered"));
    WebElement scope =
        browser.driver.findElement(
            By.cssSelector(
                "li.tenant-node[data-tenant='"
                    + TENANT
                    + "'] li.scope[data-namespace='"
                    + NAMESPACE
                    + "']"));
    List<String> kinds =
        scope.findElements(By.cssSelector("li.object[data-state='MISSING']")).stream()
            .map(o -> o.getDomAttribute("data-kind"))
            .toList();
    assertThat(kinds).contains("Namespace", "ConfigMap", "Secret", "PersistentVolumeClaim");
    assertThat(text(By.id("incident-status"))).isEqualTo("open");
    assertThat(text(By.id("actions"))).contains("/api/v1/incidents/" + incidentId + "/reseed");
    assertThat(text(By.id("actions"))).contains("Bearer $TOKEN");
    browser.screenshot("3-incident-open");

    // 4. Re-seeded (as the page's curl command does it): the incident shows as resolved.
    HttpResponse<String> reseed =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(url("/api/v1/incidents/" + incidentId + "/reseed")))
                    .header("Authorization", "Bearer " + token())
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(reseed.statusCode()).as(reseed.body()).isEqualTo(200);
    awaitOnPage(Duration.ofSeconds(30), () -> text(By.id("incident-status")).equals("resolved"));
    assertThat(text(By.id("timeline"))).contains("re-seeded").contains("resolved");
    browser.screenshot("4-incident-resolved");

    browser.open(url("/"));
    awaitOnPage(
        Duration.ofSeconds(10),
        () -> "PRESENT".equals(tenantCard("sandbox", TENANT).getDomAttribute("data-state")));
    assertThat(browser.consoleErrors()).as("browser console errors").isEmpty();
  }

  private WebElement tenantCard(String set, String tenant) {
    return browser.driver.findElement(
        By.cssSelector("#set-" + set + " li.tenant[data-tenant='" + tenant + "']"));
  }

  private String text(By by) {
    return browser.driver.findElement(by).getText();
  }

  private String token() throws Exception {
    return Files.readString(dataDir.resolve("api-token")).strip();
  }

  /** Reloads the page (as its refresh header would) until the condition holds. */
  private static void awaitOnPage(Duration atMost, BooleanSupplier condition)
      throws InterruptedException {
    Instant until = Instant.now().plus(atMost);
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (org.openqa.selenium.NoSuchElementException e) {
        // not rendered yet
      }
      if (Instant.now().isAfter(until)) {
        throw new AssertionError(
            "not shown within " + atMost + " on " + browser.driver.getCurrentUrl());
      }
      Thread.sleep(250);
      browser.refresh();
    }
  }
}
