package io.stagingcanary.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentEnrichmentStore;
import io.stagingcanary.incident.ItemAttribution;
import io.stagingcanary.incident.ItemAttribution.Source;
import io.stagingcanary.incident.JdbcIncidentStore;
import io.stagingcanary.store.EmbeddedPostgresSupport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The attribution tables on a real PostgreSQL server: records are written, found by namespace and
 * uid and bounded; a failing attribution inside the seal's transaction is rolled back to its
 * savepoint, so PostgreSQL does not abort the seal.
 */
class PostgresAttributionTest {

  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

  @Test
  void recordsAndEnrichmentsOnPostgres() {
    EmbeddedPostgresSupport postgres = EmbeddedPostgresSupport.server();
    DataSource dataSource = postgres.dataSource(postgres.createDatabase());
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    AttributionProperties properties =
        new AttributionProperties(
            Duration.ofHours(1),
            100,
            Duration.ofMinutes(10),
            Duration.ofMinutes(2),
            List.of(),
            new AttributionProperties.Admission(
                false, 8443, new AttributionProperties.Tls(null, null, null)),
            new AttributionProperties.Audit(true));
    ObservedRequestStore records = new ObservedRequestStore(dataSource, clock, properties);
    for (int i = 0; i < 120; i++) {
      records.add(
          new ObservedRequest(
              Source.AUDIT,
              "a" + i,
              "delete",
              "",
              "configmaps",
              null,
              "canary-acme",
              "cm-" + i,
              "uid-" + i,
              List.of("owner"),
              "alice",
              List.of("staff"),
              Map.of("scopes", List.of("x")),
              "kubectl/v1.37.1",
              List.of("10.0.0.7"),
              false,
              T0.plusSeconds(i)));
    }
    assertThat(records.prune()).isEqualTo(20);
    List<ObservedRequest> found = records.since(T0, List.of("", "canary-acme"));
    assertThat(found).hasSize(100);
    assertThat(found.get(0).name()).isEqualTo("cm-20");
    assertThat(found.get(0).extra()).containsEntry("scopes", List.of("x"));
    assertThat(records.withUids(List.of("uid-119")))
        .singleElement()
        .satisfies(r -> assertThat(r.sourceIps()).containsExactly("10.0.0.7"));

    JdbcIncidentStore incidents = new JdbcIncidentStore(dataSource);
    IncidentEnrichmentStore enrichments =
        new IncidentEnrichmentStore(dataSource, event -> {}, clock);
    ItemAttribution fact =
        new ItemAttribution(
            new ItemAttribution.ItemRef("ConfigMap", "canary-acme", "cm-20", "uid-20"),
            found.get(0).actor(),
            null,
            null,
            null);
    new TransactionTemplate(new JdbcTransactionManager(dataSource))
        .executeWithoutResult(
            status -> {
              incidents.insert(
                  Incident.builder()
                      .id("inc-1")
                      .cluster("c-1", "staging")
                      .type(Incident.Type.SENTINEL_LOSS)
                      .detectedBy(Incident.DetectedBy.WATCH)
                      .openedAt(T0)
                      .sealedAt(T0)
                      .headline("1 lost")
                      .items(List.of())
                      .build());
              assertThat(enrichments.recordGuarded("no-such-incident", () -> List.of(fact)))
                  .isEmpty();
              assertThat(enrichments.recordGuarded("inc-1", () -> List.of(fact)))
                  .containsExactly(fact);
            });

    assertThat(incidents.find("inc-1")).isPresent();
    assertThat(enrichments.find("inc-1")).containsExactly(fact);
  }
}
