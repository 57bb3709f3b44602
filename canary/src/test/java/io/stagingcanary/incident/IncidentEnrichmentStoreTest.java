package io.stagingcanary.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.stagingcanary.incident.ItemAttribution.Actor;
import io.stagingcanary.incident.ItemAttribution.Cause;
import io.stagingcanary.incident.ItemAttribution.ItemRef;
import io.stagingcanary.incident.ItemAttribution.Source;
import io.stagingcanary.incident.ItemAttribution.UnknownReason;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Enrichment after seal on H2 (migrated by Flyway): facts are stored per item, a better fact
 * replaces the earlier one and counts a revision, {@code enrich} publishes {@link IncidentEnriched}
 * only for what changed, and {@code record} joins the caller's transaction (rolled back with it).
 */
class IncidentEnrichmentStoreTest {

  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
  private static final ItemRef NAMESPACE = new ItemRef("Namespace", null, "canary-acme", "ns-uid");
  private static final ItemRef CONFIG_MAP =
      new ItemRef("ConfigMap", "canary-acme", "settings", "cm-uid");
  private static final Actor ALICE =
      new Actor("alice", List.of("staff"), null, List.of(), "delete", T0, Source.ADMISSION);

  @TempDir Path directory;
  HikariDataSource dataSource;
  IncidentEnrichmentStore enrichments;
  final List<Object> events = new ArrayList<>();

  @BeforeEach
  void setUp() {
    String url = "jdbc:h2:file:" + directory.resolve("ledger").toAbsolutePath();
    Flyway.configure()
        .dataSource(url, "sa", "")
        .locations("classpath:db/migration")
        .load()
        .migrate();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername("sa");
    config.setPassword("");
    config.setMaximumPoolSize(2);
    dataSource = new HikariDataSource(config);
    new JdbcIncidentStore(dataSource)
        .insert(
            Incident.builder()
                .id("inc-1")
                .cluster("c-1", "staging")
                .type(Incident.Type.SENTINEL_LOSS)
                .detectedBy(Incident.DetectedBy.WATCH)
                .openedAt(T0)
                .sealedAt(T0.plusSeconds(5))
                .headline("2 items")
                .items(List.of())
                .build());
    enrichments =
        new IncidentEnrichmentStore(dataSource, events::add, Clock.fixed(T0, ZoneOffset.UTC));
  }

  @AfterEach
  void tearDown() {
    dataSource.close();
  }

  @Test
  void aLaterFactReplacesPendingCountsARevisionAndIsPublishedOnce() {
    enrichments.record(
        "inc-1",
        List.of(
            new ItemAttribution(NAMESPACE, ALICE, null, null, null),
            ItemAttribution.unknown(CONFIG_MAP, UnknownReason.PENDING, null)));
    assertThat(enrichments.pendingIncidents(10)).containsExactly("inc-1");
    assertThat(events).isEmpty();

    ItemAttribution known =
        new ItemAttribution(
            CONFIG_MAP, ALICE, new Cause("Namespace", null, "canary-acme"), "r1 (t 1)", null);
    enrichments.enrich("inc-1", List.of(known));
    enrichments.enrich("inc-1", List.of(known));

    assertThat(events).containsExactly(new IncidentEnriched("inc-1", List.of(known)));
    assertThat(enrichments.find("inc-1"))
        .containsExactly(known, new ItemAttribution(NAMESPACE, ALICE, null, null, null));
    assertThat(enrichments.pendingIncidents(10)).isEmpty();
    assertThat(revision(CONFIG_MAP)).isEqualTo(2);
    assertThat(revision(NAMESPACE)).isEqualTo(1);
  }

  @Test
  void recordJoinsTheCallersTransaction() {
    TransactionTemplate transaction =
        new TransactionTemplate(new JdbcTransactionManager(dataSource));
    assertThatThrownBy(
            () ->
                transaction.executeWithoutResult(
                    status -> {
                      enrichments.record(
                          "inc-1",
                          List.of(new ItemAttribution(NAMESPACE, ALICE, null, null, null)));
                      throw new IllegalStateException("the seal failed");
                    }))
        .hasMessage("the seal failed");

    assertThat(enrichments.find("inc-1")).isEmpty();
  }

  @Test
  void aFailedAttributionRollsBackAloneAndTheSealStillCommits() {
    TransactionTemplate transaction =
        new TransactionTemplate(new JdbcTransactionManager(dataSource));
    transaction.executeWithoutResult(
        status -> {
          enrichments.record(
              "inc-1", List.of(new ItemAttribution(NAMESPACE, ALICE, null, null, null)));
          assertThat(
                  enrichments.recordGuarded(
                      "inc-1",
                      () -> {
                        throw new IllegalStateException("records unreadable");
                      }))
              .isEmpty();
          // A write that fails inside the savepoint (no such incident) is rolled back alone.
          assertThat(
                  enrichments.recordGuarded(
                      "no-such-incident",
                      () -> List.of(new ItemAttribution(CONFIG_MAP, ALICE, null, null, null))))
              .isEmpty();
        });

    assertThat(enrichments.find("inc-1"))
        .containsExactly(new ItemAttribution(NAMESPACE, ALICE, null, null, null));
    assertThat(enrichments.find("no-such-incident")).isEmpty();
  }

  private int revision(ItemRef item) {
    return JdbcClient.create(dataSource)
        .sql("SELECT revision FROM incident_enrichment WHERE kind = ? AND name = ?")
        .params(item.kind(), item.name())
        .query(Integer.class)
        .single();
  }
}
