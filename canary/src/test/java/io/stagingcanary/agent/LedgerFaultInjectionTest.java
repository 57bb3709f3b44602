package io.stagingcanary.agent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The ledger refuses every write for a while (a DataSource wrapper that fails writes as a full disk
 * does) while a tenant namespace is deleted: readiness goes DOWN and comes back UP by itself, the
 * loss is one incident, stored and sealed after recovery, and pages exactly once.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sandbox")
@Import(LedgerFaultInjectionTest.Faults.class)
class LedgerFaultInjectionTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration GROUP_WINDOW = Duration.ofSeconds(1);
  static final Duration OUTAGE = Duration.ofSeconds(8);
  static final WireMockServer RECEIVER = new WireMockServer(options().dynamicPort());
  @TempDir static Path dataDir;

  static {
    RECEIVER.start();
    RECEIVER.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(204)));
  }

  @TestConfiguration
  static class Faults {
    @Bean
    static BeanPostProcessor faultyLedger() {
      return FaultyLedger.wrapper();
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("canary.data-dir", () -> dataDir.toString());
    registry.add("canary.sandbox.port", () -> "0");
    registry.add("canary.fixtures.path", () -> "../fixtures");
    registry.add("canary.reseed.mode", () -> "manual");
    registry.add("canary.incidents.group-window", () -> GROUP_WINDOW.toMillis() + "ms");
    registry.add("canary.store.probe-interval", () -> "200ms");
    registry.add("canary.store.probe-timeout", () -> "1s");
    registry.add("canary.alerts.webhooks[0].name", () -> "oncall-hook");
    registry.add("canary.alerts.webhooks[0].url", () -> RECEIVER.baseUrl() + "/hook");
    registry.add("canary.alerts.delivery.poll-interval", () -> "100ms");
  }

  @AfterAll
  static void stopReceiver() {
    FaultyLedger.failing.set(false);
    RECEIVER.stop();
  }

  @LocalServerPort int port;
  @Autowired KubernetesClient client;

  AgentHttp http() {
    return new AgentHttp(port);
  }

  List<JsonNode> firing() {
    return RECEIVER.findAll(postRequestedFor(urlEqualTo("/hook"))).stream()
        .map(r -> read(r.getBodyAsString()))
        .filter(b -> b.path("status").asText().equals("firing"))
        .toList();
  }

  @Test
  void writesFailDuringALossThenTheAgentRecoversAndPagesOnce() {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http().get("/actuator/health/readiness").status() == 200);

    FaultyLedger.failing.set(true);
    try {
      client.namespaces().withName("canary-initech").delete();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> http().get("/actuator/health/readiness").status() == 503);
      JsonNode health = http().get("/actuator/health").json();
      assertThat(health.path("status").asText()).isEqualTo("DOWN");
      assertThat(http().get("/actuator/health/liveness").status())
          .as("not unwritable for longer than the liveness limit yet")
          .isEqualTo(200);
      // the whole outage is longer than the grouping window: the seal falls inside it
      await().pollDelay(OUTAGE).atMost(OUTAGE.plusSeconds(1)).until(() -> true);
      assertThat(FaultyLedger.refused.get()).as("writes were refused").isPositive();
      assertThat(http().get("/api/v1/incidents").json())
          .as("nothing is recorded while the ledger refuses writes")
          .isEmpty();
      assertThat(firing()).as("nothing is paged before it is stored").isEmpty();
    } finally {
      FaultyLedger.failing.set(false);
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> http().get("/actuator/health/readiness").status() == 200);
    await().atMost(Duration.ofSeconds(20)).until(() -> firing().size() == 1);
    // and no second page for the same loss
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
    assertThat(firing()).hasSize(1);

    JsonNode incidents = http().get("/api/v1/incidents").json();
    assertThat(incidents).as("one incident, not lost, not split").hasSize(1);
    JsonNode incident = incidents.get(0);
    assertThat(incident.hasNonNull("sealedAt")).isTrue();
    List<JsonNode> items =
        StreamSupport.stream(incident.get("items").spliterator(), false).toList();
    assertThat(items)
        .extracting(i -> i.get("key").get("kind").asText())
        .contains("Namespace", "ConfigMap");
    assertThat(items).allSatisfy(i -> assertThat(i.get("tenant").asText()).isEqualTo("initech"));
    assertThat(firing().get(0).path("links").path("incident").asText())
        .endsWith("/api/v1/incidents/" + incident.get("id").asText());
  }

  static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(json, e);
    }
  }
}
