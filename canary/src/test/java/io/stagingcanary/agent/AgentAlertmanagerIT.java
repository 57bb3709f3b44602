package io.stagingcanary.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.alerts.RealAlertmanager;
import io.stagingcanary.seeding.Reseeder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole agent (sandbox profile) with a real Alertmanager: a deleted sentinel shows up in {@code
 * GET /api/v2/alerts} with the documented labels and resolves once it is re-seeded.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("sandbox")
class AgentAlertmanagerIT {

  static Path dataDir;
  static RealAlertmanager alertmanager;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws Exception {
    dataDir = Files.createTempDirectory("canary-am-it");
    alertmanager = RealAlertmanager.start(dataDir.resolve("alertmanager"));
    registry.add("canary.data-dir", () -> dataDir.resolve("agent").toString());
    registry.add("canary.sandbox.port", () -> "0");
    registry.add("canary.fixtures.path", () -> "../fixtures");
    registry.add("canary.incidents.group-window", () -> "1s");
    // Re-seeded by the test once the firing alert is seen: the sandbox re-seeds within
    // milliseconds, and Alertmanager drops an alert resolved that quickly from its active list.
    registry.add("canary.reseed.mode", () -> "manual");
    registry.add("canary.alerts.alertmanager[0].url", alertmanager::url);
    registry.add("canary.alerts.resend-interval", () -> "5s");
    registry.add("canary.alerts.delivery.poll-interval", () -> "100ms");
  }

  @AfterAll
  static void stopAlertmanager() throws Exception {
    if (alertmanager != null) {
      alertmanager.close();
    }
  }

  @Autowired KubernetesClient client;
  @Autowired Reseeder reseeder;

  @Test
  void aDeletedSentinelFiresInAlertmanagerAndResolvesAfterReseeding() throws Exception {
    client.configMaps().inNamespace("canary-hooli").withName("canary-settings").delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> alertmanager.alerts().size() == 1);
    JsonNode labels = alertmanager.alerts().get(0).path("labels");
    assertThat(labels.path("alertname").asText()).isEqualTo("SentinelLoss");
    assertThat(labels.path("severity").asText()).isEqualTo("critical");
    assertThat(labels.path("cluster").asText()).isEqualTo("sandbox");
    assertThat(labels.path("set").asText()).isEqualTo("sandbox");
    assertThat(labels.path("incident").asText()).startsWith("inc-");
    // re-seeded: the incident resolves, so does the alert
    reseeder.reseed(labels.path("incident").asText());
    await().atMost(Duration.ofSeconds(120)).until(() -> alertmanager.alerts().isEmpty());
  }
}
