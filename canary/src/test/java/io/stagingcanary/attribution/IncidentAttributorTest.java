package io.stagingcanary.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stagingcanary.MutableClock;
import io.stagingcanary.TestJdbc;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelStatus;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentEnriched;
import io.stagingcanary.incident.IncidentEnrichmentStore;
import io.stagingcanary.incident.ItemAttribution.Source;
import io.stagingcanary.incident.ItemAttribution.UnknownReason;
import io.stagingcanary.incident.JdbcIncidentStore;
import io.stagingcanary.metrics.CanaryMetrics;
import io.stagingcanary.metrics.MetricsProperties;
import io.stagingcanary.runs.RunCauses;
import io.stagingcanary.store.JdbcLedger;
import io.stagingcanary.store.LedgerEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.info.BuildProperties;

/**
 * The attributor on H2 with a fake clock: at seal what the records tell is stored with the
 * incident; what is missing stays pending, a record that arrives later enriches the stored incident
 * (one {@link IncidentEnriched}), and once {@code pending-for} is over the item says no record
 * arrived in time. Losses found at startup, and agents without an observer, say why instead.
 */
class IncidentAttributorTest {

  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
  private static final String CLUSTER = "c-1";
  private static final ResourceKey NAMESPACE =
      ResourceKey.clusterScoped("v1", "Namespace", "canary-acme");
  private static final ResourceKey CONFIG_MAP =
      ResourceKey.namespaced("v1", "ConfigMap", "canary-acme", "settings");
  private static final String NS_CONTROLLER =
      "system:serviceaccount:kube-system:namespace-controller";

  @TempDir Path directory;
  HikariDataSource dataSource;
  final MutableClock clock = new MutableClock(T0);
  final List<Object> events = new ArrayList<>();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  JdbcIncidentStore incidents;
  IncidentEnrichmentStore enrichments;
  ObservedRequestStore records;

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
    config.setMaximumPoolSize(3);
    dataSource = new HikariDataSource(config);
    incidents = new JdbcIncidentStore(dataSource);
    enrichments = new IncidentEnrichmentStore(dataSource, events::add, clock);
    JdbcLedger ledger =
        new JdbcLedger(TestJdbc.client(dataSource), TestJdbc.transactions(dataSource), clock);
    ledger.save(entry(NAMESPACE, "ns-uid"));
    ledger.save(entry(CONFIG_MAP, "cm-uid"));
  }

  @AfterEach
  void tearDown() {
    dataSource.close();
  }

  @Test
  void atSealTheRecordsNameTheUserForTheNamespaceAndItsContents() {
    IncidentAttributor attributor = attributor(properties(true, 1000));
    records.add(request("namespaces", "Namespace", "", "canary-acme", "ns-uid", "alice", T0));
    records.add(
        request("configmaps", "ConfigMap", "canary-acme", "settings", "cm-uid", NS_CONTROLLER, T0));
    clock.advance(Duration.ofSeconds(5));
    Incident incident = sealed(Incident.DetectedBy.WATCH);

    attributor.sealed(incident);

    assertThat(enrichments.find(incident.id()))
        .allSatisfy(a -> assertThat(a.actor().username()).isEqualTo("alice"))
        .hasSize(2);
    assertThat(registry.counter("canary.attribution.items", "source", "admission").count())
        .isEqualTo(2);
    assertThat(events).as("known at seal: no enrichment event").isEmpty();
  }

  @Test
  void aRecordThatArrivesAfterSealEnrichesTheStoredIncidentOnce() {
    IncidentAttributor attributor = attributor(properties(true, 1000));
    Incident incident = sealed(Incident.DetectedBy.WATCH);
    attributor.sealed(incident);
    assertThat(enrichments.find(incident.id()))
        .allSatisfy(a -> assertThat(a.unknown()).isEqualTo(UnknownReason.PENDING));

    clock.advance(Duration.ofSeconds(30));
    records.add(
        request(
            "namespaces", "Namespace", "", "canary-acme", "ns-uid", "alice", T0.plusSeconds(1)));
    attributor.recheckPending();
    attributor.recheckPending();

    assertThat(events).hasSize(1);
    IncidentEnriched enriched = (IncidentEnriched) events.get(0);
    assertThat(enriched.incidentId()).isEqualTo(incident.id());
    assertThat(enriched.attributions())
        .hasSize(2)
        .allSatisfy(a -> assertThat(a.actor().username()).isEqualTo("alice"));
    assertThat(enrichments.pendingIncidents(10)).isEmpty();
  }

  @Test
  void withoutARecordWithinPendingForTheItemsSayNoneArrivedInTime() {
    IncidentAttributor attributor = attributor(properties(true, 1000));
    Incident incident = sealed(Incident.DetectedBy.WATCH);
    attributor.sealed(incident);

    clock.advance(Duration.ofSeconds(60));
    attributor.recheckPending();
    assertThat(enrichments.pendingIncidents(10)).containsExactly(incident.id());

    clock.advance(Duration.ofMinutes(2));
    attributor.recheckPending();
    assertThat(enrichments.find(incident.id()))
        .allSatisfy(a -> assertThat(a.unknown()).isEqualTo(UnknownReason.NOT_RECEIVED));
    assertThat(enrichments.pendingIncidents(10)).isEmpty();
    assertThat(registry.counter("canary.attribution.items", "source", "unknown").count())
        .isEqualTo(4);
  }

  @Test
  void aLossFoundAtStartupSaysTheObserverWasDownAndNoObserverSaysSo() {
    Incident atStartup = sealed(Incident.DetectedBy.STARTUP);
    attributor(properties(true, 1000)).sealed(atStartup);
    assertThat(enrichments.find(atStartup.id()))
        .allSatisfy(a -> assertThat(a.unknown()).isEqualTo(UnknownReason.OBSERVER_DOWN));

    Incident unobserved = sealed(Incident.DetectedBy.WATCH);
    attributor(properties(false, 1000)).sealed(unobserved);
    assertThat(enrichments.find(unobserved.id()))
        .allSatisfy(a -> assertThat(a.unknown()).isEqualTo(UnknownReason.NO_OBSERVER));
  }

  @Test
  void recordsAreBoundedByCountAndRetention() {
    attributor(properties(true, 100));
    for (int i = 0; i < 150; i++) {
      records.add(request("configmaps", "ConfigMap", "canary-acme", "cm-" + i, null, "u", T0));
    }
    assertThat(records.prune()).isEqualTo(50);
    assertThat(records.count()).isEqualTo(100);

    clock.advance(Duration.ofHours(25));
    records.prune();
    assertThat(records.count()).isZero();
  }

  private IncidentAttributor attributor(AttributionProperties properties) {
    records = new ObservedRequestStore(dataSource, clock, properties);
    CanaryMetrics metrics =
        new CanaryMetrics(
            registry,
            new MetricsProperties(
                List.of(Duration.ofSeconds(1)),
                List.of(Duration.ofSeconds(1)),
                List.of(Duration.ofMinutes(1))),
            clock,
            new StaticListableBeanFactory().getBeanProvider(BuildProperties.class));
    return new IncidentAttributor(
        records,
        enrichments,
        incidents,
        new JdbcLedger(TestJdbc.client(dataSource), TestJdbc.transactions(dataSource), clock),
        new StaticListableBeanFactory().getBeanProvider(RunCauses.class),
        metrics,
        properties,
        clock,
        new io.stagingcanary.platform.ComponentExecutors(Duration.ofSeconds(1)),
        new io.stagingcanary.leader.Leadership() {
          @Override
          public boolean isLeader() {
            return true;
          }

          @Override
          public String identity() {
            return "test";
          }
        });
  }

  private static AttributionProperties properties(boolean admission, int maxRecords) {
    return new AttributionProperties(
        Duration.ofHours(24),
        maxRecords,
        Duration.ofMinutes(10),
        Duration.ofMinutes(2),
        List.of(NS_CONTROLLER),
        new AttributionProperties.Admission(
            admission, 8443, new AttributionProperties.Tls(null, null, null)),
        new AttributionProperties.Audit(false));
  }

  private int sequence;

  private Incident sealed(Incident.DetectedBy detectedBy) {
    Incident incident =
        Incident.builder()
            .id("inc-" + sequence++)
            .cluster(CLUSTER, "staging")
            .type(Incident.Type.SENTINEL_LOSS)
            .detectedBy(detectedBy)
            .openedAt(clock.instant())
            .sealedAt(clock.instant())
            .headline("2 lost")
            .items(
                List.of(
                    new Incident.Item(NAMESPACE, "set", "acme", new SentinelStatus.Missing()),
                    new Incident.Item(CONFIG_MAP, "set", "acme", new SentinelStatus.Missing())))
            .build();
    incidents.insert(incident);
    return incident;
  }

  private static ObservedRequest request(
      String resource,
      String kind,
      String namespace,
      String name,
      String uid,
      String user,
      Instant at) {
    return new ObservedRequest(
        Source.ADMISSION,
        "r",
        "delete",
        "",
        resource,
        kind,
        namespace,
        name,
        uid,
        List.of(),
        user,
        List.of(),
        Map.of(),
        null,
        List.of(),
        false,
        at);
  }

  private static LedgerEntry entry(ResourceKey key, String uid) {
    return new LedgerEntry(CLUSTER, key, "set", "acme", uid, "1", "a".repeat(64), "{}", T0, 1);
  }
}
