package io.stagingcanary.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.JdbcIncidentStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Alertmanager (Debian package prometheus-alertmanager) on a free port: the agent's alert
 * shows up in {@code GET /api/v2/alerts} with the documented labels, and disappears when resolved.
 * Skipped when the binary is absent, unless {@code CANARY_CONTROL_PLANE_REQUIRED=true}.
 */
class AlertmanagerIT {

  @TempDir Path directory;
  RealAlertmanager alertmanager;
  HikariDataSource dataSource;
  AlertingHarness alerts;

  @BeforeEach
  void start() throws Exception {
    alertmanager = RealAlertmanager.start(directory.resolve("alertmanager"));
    dataSource =
        TestAlerts.pool("jdbc:h2:file:" + directory.resolve("ledger").toAbsolutePath(), "sa", "");
    AlertsProperties properties =
        new AlertsProperties(
            List.of(new AlertsProperties.Alertmanager(null, true, alertmanager.url())),
            List.of(),
            List.of(),
            List.of(),
            new AlertsProperties.Log(false),
            Duration.ofMinutes(5),
            Duration.ofSeconds(5),
            "https://runbooks.example.com/canary",
            Duration.ofMinutes(5),
            AlertingHarness.fastDelivery());
    alerts = new AlertingHarness(dataSource, properties, () -> true);
    alerts.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (alerts != null) {
      alerts.close();
    }
    if (dataSource != null) {
      dataSource.close();
    }
    if (alertmanager != null) {
      alertmanager.close();
    }
  }

  JsonNode alerts() throws Exception {
    return alertmanager.alerts();
  }

  @Test
  void theAgentsAlertAppearsWithItsLabelsAndResolves() throws Exception {
    String id = "inc-20261122-100000-a1b2";
    Instant opened = Instant.now().minusSeconds(30);
    Incident incident = TestAlerts.incident(id, opened.plusSeconds(5), null);
    JdbcIncidentStore store = new JdbcIncidentStore(dataSource);
    store.inTransaction(
        () -> {
          store.insert(incident);
          alerts.incidents().sealed(incident);
        });

    await().atMost(Duration.ofSeconds(30)).until(() -> alerts().size() == 1);
    JsonNode alert = alerts().get(0);
    JsonNode labels = alert.path("labels");
    assertThat(labels.path("alertname").asText()).isEqualTo("SentinelLoss");
    assertThat(labels.path("severity").asText()).isEqualTo("critical");
    assertThat(labels.path("cluster").asText()).isEqualTo("staging");
    assertThat(labels.path("set").asText()).isEqualTo("sandbox");
    assertThat(labels.path("incident").asText()).isEqualTo(id);
    assertThat(alert.path("status").path("state").asText()).isEqualTo("active");
    assertThat(alert.path("annotations").path("summary").asText())
        .isEqualTo("2 sentinels lost in tenant acme (set sandbox)");
    assertThat(alert.path("annotations").path("runbook_url").asText())
        .isEqualTo("https://runbooks.example.com/canary#sentinelloss");
    assertThat(alert.path("generatorURL").asText())
        .isEqualTo(TestAlerts.PUBLIC + "/incidents/" + id);

    Incident resolved = TestAlerts.incident(id, incident.sealedAt(), Instant.now());
    store.inTransaction(
        () -> {
          store.resolve(id, resolved.resolvedAt());
          alerts.incidents().resolved(resolved);
        });
    await().atMost(Duration.ofSeconds(30)).until(() -> alerts().isEmpty());
    assertThat(alerts.pending()).isZero();
  }
}
