package io.stagingcanary.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Hostile strings wherever a user can put text that the pages show: a tenant's description, a
 * ConfigMap's data (shown as the changed field's expected and actual value), a tool run's version,
 * commit and pipeline URL, an acknowledgement's who and why, a maintenance window's reason. Every
 * page is opened in a real Chromium: no dialog opens, no element is injected (the pages carry no
 * script and no image at all), and each hostile string is shown as the text it is.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sandbox")
@EnabledIf(
    value = "io.stagingcanary.pages.Browser#presentOrRequired",
    disabledReason = Browser.SKIPPED)
class PagesXssTest {

  static final String SCRIPT = "<script>alert('xss-1')</script>";
  static final String IMG = "\"><img src=x onerror=alert('xss-2')>";
  static final String SVG = "'><svg onload=alert('xss-3')>";
  static final String JS_URL = "javascript:alert('xss-4')";
  static final String TENANT = "xss";
  static final String NAMESPACE = "canary-xss";
  static final Path FIXTURES = hostileFixtures();
  static final Path DATA_DIR = temporary("canary-xss-data-");
  static final ObjectMapper JSON = new ObjectMapper();
  static Browser browser;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("canary.data-dir", DATA_DIR::toString);
    registry.add("canary.sandbox.port", () -> "0");
    registry.add("canary.fixtures.path", FIXTURES::toString);
    registry.add("canary.fixtures.sets", () -> "hostile");
    registry.add("canary.reseed.mode", () -> "manual");
    registry.add("canary.incidents.group-window", () -> "500ms");
  }

  @LocalServerPort int port;
  @Autowired KubernetesClient client;

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

  @Test
  void noHostileStringRunsOrInjectsAnythingOnAnyPage() throws Exception {
    // A change whose expected and actual values are hostile: a MODIFIED incident.
    client
        .configMaps()
        .inNamespace(NAMESPACE)
        .withName("canary-note")
        .edit(
            cm -> {
              cm.getData().put("note", "after " + IMG);
              return cm;
            });
    String modified = awaitSealedIncident(List.of());

    // A tool run with hostile version, commit and pipeline URL that removes a sentinel: FAIL.
    JsonNode run =
        send(
            "POST",
            "/api/v1/runs",
            Map.of(
                "tool", "xss-tool",
                "version", IMG,
                "commit", SCRIPT,
                "pipelineUrl", JS_URL,
                "allowUnhealthyBaseline", true));
    String runId = run.path("id").asText();
    client.configMaps().inNamespace(NAMESPACE).withName("canary-gone").delete();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                send("GET", "/api/v1/sentinels?state=MISSING", null).findValues("name").stream()
                    .anyMatch(n -> n.asText().equals("canary-gone")));
    JsonNode completed =
        send("POST", "/api/v1/runs/" + runId + "/complete", Map.of("settle", "1s"));
    assertThat(completed.path("verdict").asText()).isEqualTo("FAIL");
    send(
        "POST",
        "/api/v1/runs/" + runId + "/acknowledge",
        Map.of("who", SVG, "why", SCRIPT + " " + IMG));

    // A maintenance window with a hostile reason that makes the next loss expected.
    Map<String, Object> window = new LinkedHashMap<>();
    window.put("start", Instant.now().minusSeconds(5).toString());
    window.put("end", Instant.now().plusSeconds(3600).toString());
    window.put("reason", "upgrade " + SCRIPT + IMG);
    window.put("mode", "mute-all");
    window.put("matchers", Map.of("tenants", List.of(TENANT)));
    send("POST", "/api/v1/maintenance-windows", window);
    List<String> known = new ArrayList<>(List.of(modified));
    known.addAll(incidentIds());
    client.configMaps().inNamespace(NAMESPACE).withName("canary-muted").delete();
    String expected = awaitSealedIncident(known);

    List<String> pages = new ArrayList<>();
    pages.add("/");
    pages.add("/tenants/hostile/" + TENANT);
    pages.add("/incidents");
    pages.add("/runs");
    pages.add("/runs/" + runId);
    for (String id : incidentIds()) {
      pages.add("/incidents/" + id);
    }
    Map<String, String> texts = new LinkedHashMap<>();
    for (String page : pages) {
      browser.open("http://localhost:" + port + page);
      Thread.sleep(300); // a script that would run (onerror, onload) has had its chance
      assertNoDialog(page);
      assertThat(browser.driver.findElements(By.tagName("script"))).as(page).isEmpty();
      assertThat(browser.driver.findElements(By.tagName("img"))).as(page).isEmpty();
      assertThat(browser.driver.findElements(By.tagName("svg"))).as(page).isEmpty();
      assertThat(browser.driver.findElements(By.cssSelector("[onerror], [onload]")))
          .as(page)
          .isEmpty();
      assertThat(browser.driver.findElements(By.cssSelector("a[href^='javascript']")))
          .as(page)
          .isEmpty();
      texts.put(page, browser.driver.findElement(By.tagName("body")).getText());
      browser.screenshot("xss" + page.replaceAll("[^A-Za-z0-9]+", "-"));
    }

    // Shown as text, whole: the escaping kept every character.
    assertThat(texts.get("/tenants/hostile/" + TENANT)).contains(SCRIPT).contains(IMG);
    assertThat(texts.get("/runs/" + runId))
        .contains(IMG)
        .contains(SCRIPT)
        .contains(JS_URL)
        .contains(SVG);
    assertThat(texts.get("/incidents/" + modified)).contains("after " + IMG);
    assertThat(texts.get("/incidents/" + expected)).contains(SCRIPT);
    assertThat(texts.get("/")).contains("upgrade " + SCRIPT + IMG);
    assertThat(texts.get("/runs")).contains(IMG);
    assertThat(browser.consoleErrors()).as("browser console errors").isEmpty();
  }

  private static void assertNoDialog(String page) {
    try {
      String text = browser.driver.switchTo().alert().getText();
      throw new AssertionError("a dialog opened on " + page + ": " + text);
    } catch (NoAlertPresentException expected) {
      // none: nothing ran
    }
  }

  private String awaitSealedIncident(List<String> known) {
    String[] found = new String[1];
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              for (JsonNode i : send("GET", "/api/v1/incidents", null)) {
                if (!known.contains(i.path("id").asText()) && i.hasNonNull("sealedAt")) {
                  found[0] = i.path("id").asText();
                  return true;
                }
              }
              return false;
            });
    return found[0];
  }

  private List<String> incidentIds() throws Exception {
    List<String> ids = new ArrayList<>();
    send("GET", "/api/v1/incidents", null).forEach(i -> ids.add(i.path("id").asText()));
    return ids;
  }

  private JsonNode send(String method, String path, Object body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header(
                "Authorization",
                "Bearer " + Files.readString(DATA_DIR.resolve("api-token")).strip())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json");
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode())
        .as(method + " " + path + ": " + response.body())
        .isLessThan(300);
    return JSON.readTree(response.body());
  }

  /** A set {@code hostile} with one tenant whose description and ConfigMap data are hostile. */
  private static Path hostileFixtures() {
    Path root = temporary("canary-xss-fixtures-");
    Path tenant = root.resolve("hostile").resolve(TENANT);
    try {
      Files.createDirectories(tenant);
      Files.writeString(
          root.resolve("hostile").resolve("set.yaml"),
          """
          name: hostile
          description: "A set whose texts try to run script on the pages"
          kinds:
            - {apiVersion: v1, kind: Namespace}
            - {apiVersion: v1, kind: ConfigMap}
          """);
      Files.writeString(
          tenant.resolve("tenant.yaml"),
          "description: " + yamlString(SCRIPT + " " + IMG) + "\nlabels:\n  tier: pro\n");
      Files.writeString(
          tenant.resolve("namespaces.yaml"),
          "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + NAMESPACE + "\n");
      StringBuilder config = new StringBuilder();
      for (String name : List.of("canary-note", "canary-gone", "canary-muted")) {
        config
            .append("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ")
            .append(name)
            .append("\n  namespace: ")
            .append(NAMESPACE)
            .append("\ndata:\n  note: ")
            .append(yamlString("before " + SCRIPT))
            .append('\n');
      }
      Files.writeString(tenant.resolve("config.yaml"), config.toString());
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String yamlString(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static Path temporary(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
