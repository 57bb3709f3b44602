package io.stagingcanary.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The golden test of the metrics (Kuberhealthy's habit): the whole agent on the sandbox profile is
 * scraped at {@code /actuator/prometheus} and every {@code canary_*} family, its type and its tags
 * must be exactly what docs/metrics.md lists; {@code promtool check metrics} must accept the
 * scrape. Also proves the wiring: a deleted sentinel moves the gauges, the loss counter and the
 * detection latency.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sandbox")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsCatalogTest {

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("canary.data-dir", () -> dataDir.toString());
    registry.add("canary.sandbox.port", () -> "0");
    registry.add("canary.fixtures.path", () -> "../fixtures");
    registry.add("canary.incidents.group-window", () -> "0s");
    registry.add("canary.cluster-name", () -> "metrics-test");
  }

  @LocalServerPort int port;
  @Autowired KubernetesClient client;
  @Autowired CanaryMetrics metrics;
  @Autowired io.stagingcanary.maintenance.MaintenanceWindows windows;

  private List<?> pendingAlerts() {
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://localhost:" + port + "/api/v1/alerts?state=pending"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return new com.fasterxml.jackson.databind.ObjectMapper()
          .readValue(response.body(), List.class);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  @Order(1)
  void fromStartupEveryAlwaysMetricIsThereAndNothingIsUncatalogued() {
    MetricsCatalog catalog = MetricsCatalog.load();
    Map<String, PrometheusText.Family> scraped =
        PrometheusText.parse(scrape()).withPrefix("canary_");

    assertThat(catalog.entries()).as("docs/metrics.md lists the canary_* metrics").isNotEmpty();
    assertThat(scraped.keySet())
        .as("every canary_* metric in the scrape is in docs/metrics.md")
        .isSubsetOf(catalog.entries().keySet());
    List<String> always =
        catalog.entries().values().stream()
            .filter(MetricsCatalog.Entry::always)
            .map(MetricsCatalog.Entry::name)
            .toList();
    assertThat(scraped.keySet())
        .as("metrics the catalog says appear from startup")
        .containsAll(always);
  }

  @Test
  @Order(2)
  void gaugesCountersAndHistogramsFollowTheAgent() {
    String text = scrape();
    double expected = sum(text, "canary_sentinels", Map.of());
    assertThat(expected).as("sentinels of the sandbox set").isGreaterThanOrEqualTo(40);
    assertThat(sum(text, "canary_sentinels", Map.of("state", "PRESENT"))).isEqualTo(expected);
    assertThat(value(text, "canary_agent_state", Map.of("state", "HEALTHY"))).isEqualTo(1);
    assertThat(value(text, "canary_agent_state", Map.of("state", "LOSS"))).isZero();
    assertThat(value(text, "canary_blind", Map.of())).isZero();
    assertThat(value(text, "canary_leader", Map.of())).isEqualTo(1);
    assertThat(value(text, "canary_last_verification_success_timestamp_seconds", Map.of()))
        .isGreaterThan(Instant.now().minus(Duration.ofMinutes(5)).getEpochSecond());
    assertThat(value(text, "canary_verification_duration_seconds_count", Map.of()))
        .isGreaterThanOrEqualTo(1);
    assertThat(value(text, "canary_oldest_sentinel_age_seconds", Map.of("set", "sandbox")))
        .isGreaterThanOrEqualTo(0)
        .isLessThan(600);
    assertThat(value(text, "canary_build_info", Map.of()))
        .as("the version tag comes from build-info")
        .isEqualTo(1);
    assertThat(labelValues(text, "canary_build_info", "version")).doesNotContain("unknown");
    assertThat(labelValues(text, "canary_blind", "cluster")).containsExactly("metrics-test");
    assertThat(labelValues(text, "jvm_threads_live_threads", "cluster"))
        .as("the common cluster tag is on every meter")
        .containsExactly("metrics-test");
    double detectionsBefore = value(text, "canary_detection_latency_seconds_count", Map.of());

    client.configMaps().inNamespace("canary-acme").withName("canary-settings").delete();

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              String after = scrape();
              assertThat(
                      sum(
                          after,
                          "canary_sentinel_losses_total",
                          Map.of("set", "sandbox", "kind", "ConfigMap")))
                  .isEqualTo(1);
              assertThat(value(after, "canary_detection_latency_seconds_count", Map.of()))
                  .isEqualTo(detectionsBefore + 1);
              assertThat(
                      value(after, "canary_detection_latency_seconds_bucket", Map.of("le", "+Inf")))
                  .isEqualTo(detectionsBefore + 1);
            });
    // Re-seeded after the incident (the default mode): everything is present again.
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              String after = scrape();
              assertThat(sum(after, "canary_sentinels", Map.of("state", "PRESENT")))
                  .isEqualTo(expected);
              assertThat(value(after, "canary_incidents_open", Map.of())).isZero();
            });
  }

  @Test
  @Order(3)
  void onceEveryRecordingMethodRanTheScrapeIsExactlyTheCatalog() {
    metrics.toolRunCompleted("user-cleanup", "WITHIN_POLICY", Duration.ofSeconds(42));
    metrics.toolDeployed("user-cleanup");
    metrics.alertDelivered("webhook", "delivered");
    metrics.pvcSnapshotTaken("sandbox", Instant.now().minusSeconds(90));
    metrics.sentinelLost("sandbox", "Secret");
    metrics.itemAttributed("admission");
    metrics.observerRequest("admission", "recorded", Duration.ofMillis(3));

    String text = scrape();
    Map<String, String> actual = describe(PrometheusText.parse(text).withPrefix("canary_"));
    Map<String, String> catalogued = new TreeMap<>();
    MetricsCatalog.load()
        .entries()
        .values()
        .forEach(e -> catalogued.put(e.name(), e.type() + " " + e.tags()));
    assertThat(actual)
        .as("canary_* families (type and tags) in the scrape vs docs/metrics.md")
        .isEqualTo(catalogued);
    // Both are bound to their live sources (outbox, maintenance windows): the scrape reads them.
    // Both read the outbox live, at two instants: the worker may deliver in between.
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(value(scrape(), "canary_alert_outbox_pending", Map.of()))
                    .isEqualTo(pendingAlerts().size()));
    assertThat(value(text, "canary_maintenance_window_active", Map.of()))
        .isEqualTo(windows.active().isEmpty() ? 0 : 1);
  }

  @Test
  @Order(4)
  void promtoolAcceptsTheScrape() {
    String text = scrape();
    Promtool.Result whole = Promtool.run(dataDir, text, "check", "metrics");
    // Exit 1 is a parse error; 3 lists lint problems, allowed only in Spring Boot's own meters
    // (e.g. jvm_compilation_time_ms_total, "no help text" on http_server_requests_seconds).
    assertThat(whole.exitCode()).as(whole.output()).isIn(0, 3);
    assertThat(whole.output().lines().filter(l -> l.startsWith("canary_")))
        .as("promtool lint problems in the agent's own metrics")
        .isEmpty();

    String own =
        text.lines()
            .filter(l -> l.startsWith("canary_") || l.matches("# (HELP|TYPE) canary_.*"))
            .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
    Promtool.Result canary = Promtool.run(dataDir, own, "check", "metrics");
    assertThat(canary.exitCode()).as(canary.output()).isZero();
    assertThat(own).contains("canary_sentinels{");
  }

  @Test
  @Order(5)
  void alertRulesAndDashboardsQueryOnlyMetricsOfTheScrape() {
    metrics.toolRunCompleted("user-cleanup", "PASS", Duration.ofSeconds(1));
    metrics.pvcSnapshotTaken("sandbox", Instant.now());
    metrics.alertDelivered("webhook", "failed");
    metrics.toolDeployed("user-cleanup");
    Map<String, PrometheusText.Family> scraped =
        PrometheusText.parse(scrape()).withPrefix("canary_");
    MetricsCatalog catalog = MetricsCatalog.load();
    java.util.Set<String> queried = QueriedMetrics.canaryNames();

    assertThat(queried).as("metrics the rules and dashboards query").hasSizeGreaterThan(10);
    assertThat(queried)
        .allSatisfy(
            name ->
                assertThat(scraped)
                    .as("%s (rules or dashboards) in a live scrape", name)
                    .containsKey(catalog.familyOf(name)));
  }

  /** name → "type [tags]" with the common cluster tag and the histogram's le left out. */
  static Map<String, String> describe(Map<String, PrometheusText.Family> families) {
    Map<String, String> described = new TreeMap<>();
    families.forEach(
        (name, family) -> {
          TreeSet<String> tags = new TreeSet<>(family.labels());
          tags.remove(CanaryMetrics.CLUSTER);
          tags.remove("le");
          described.put(name, family.type() + " " + tags);
        });
    return described;
  }

  String scrape() {
    return scrape(port);
  }

  static String scrape(int port) {
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://localhost:" + port + "/actuator/prometheus"))
                      .header("Accept", "text/plain;version=0.0.4")
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      return response.body();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+(\\S+)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

  /** Samples of this series name whose labels include {@code match}: labels → value. */
  static List<Map.Entry<Map<String, String>, Double>> samples(
      String text, String name, Map<String, String> match) {
    List<Map.Entry<Map<String, String>, Double>> found = new ArrayList<>();
    for (String line : text.split("\n")) {
      Matcher sample = SAMPLE.matcher(line.strip());
      if (line.startsWith("#") || !sample.matches() || !sample.group(1).equals(name)) {
        continue;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (sample.group(2) != null) {
        Matcher label = LABEL.matcher(sample.group(2));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      if (labels.entrySet().containsAll(match.entrySet())) {
        found.add(Map.entry(labels, Double.parseDouble(sample.group(3))));
      }
    }
    return found;
  }

  static double value(String text, String name, Map<String, String> match) {
    List<Map.Entry<Map<String, String>, Double>> found = samples(text, name, match);
    assertThat(found).as("exactly one sample of %s%s", name, match).hasSize(1);
    return found.get(0).getValue();
  }

  static double sum(String text, String name, Map<String, String> match) {
    return samples(text, name, match).stream().mapToDouble(Map.Entry::getValue).sum();
  }

  static List<String> labelValues(String text, String name, String label) {
    return samples(text, name, Map.of()).stream()
        .map(s -> s.getKey().get(label))
        .distinct()
        .toList();
  }
}
