package io.stagingcanary.alerts;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelStatus;
import io.stagingcanary.incident.Incident;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;

/** Shared fixtures of the alerting tests. */
final class TestAlerts {

  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  static final String PUBLIC = "https://canary.example.com";

  private TestAlerts() {}

  static HikariDataSource pool(String url, String user, String password) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(4);
    HikariDataSource dataSource = new HikariDataSource(config);
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    return dataSource;
  }

  static Incident incident(String id, Instant sealedAt, Instant resolvedAt) {
    return Incident.builder()
        .id(id)
        .cluster("c-1", "staging")
        .type(Incident.Type.SENTINEL_LOSS)
        .detectedBy(Incident.DetectedBy.WATCH)
        .openedAt(T0)
        .sealedAt(sealedAt)
        .resolvedAt(resolvedAt)
        .headline("2 sentinels lost in tenant acme (set sandbox)")
        .items(
            List.of(
                new Incident.Item(
                    ResourceKey.namespaced("v1", "ConfigMap", "canary-acme", "settings"),
                    "sandbox",
                    "acme",
                    new SentinelStatus.Missing()),
                new Incident.Item(
                    ResourceKey.namespaced("v1", "Secret", "canary-acme", "creds"),
                    "sandbox",
                    "acme",
                    new SentinelStatus.Replaced("uid-1", "uid-2"))))
        .build();
  }

  static Alert firing(String subject) {
    return IncidentAlerts.firing(incident(subject, T0.plusSeconds(5), null), PUBLIC);
  }

  static Map<String, Integer> counts(Alert alert) {
    return alert.counts();
  }
}
