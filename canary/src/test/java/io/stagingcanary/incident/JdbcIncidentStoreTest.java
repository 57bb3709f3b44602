package io.stagingcanary.incident;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.stagingcanary.diff.FieldChange;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelStatus;
import io.stagingcanary.diff.StatusType;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDBC incident store on H2 with a pool of ONE connection: a read that took a second connection
 * while its first query was open would time out here. Updates write only the changed items and read
 * back exactly what was stored.
 */
class JdbcIncidentStoreTest {

  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  static final ResourceKey NAMESPACE = ResourceKey.clusterScoped("v1", "Namespace", "canary-acme");
  static final ResourceKey CONFIG_MAP =
      ResourceKey.namespaced("v1", "ConfigMap", "canary-acme", "settings");
  static final ResourceKey CLAIM =
      ResourceKey.namespaced("v1", "PersistentVolumeClaim", "canary-acme", "data");
  static final ResourceKey SECRET = ResourceKey.namespaced("v1", "Secret", "canary-acme", "creds");

  @TempDir Path directory;
  HikariDataSource dataSource;
  JdbcIncidentStore store;

  @BeforeEach
  void setUp() {
    String url = "jdbc:h2:file:" + directory.resolve("ledger").toAbsolutePath();
    // Flyway takes two connections of its own: migrate before the pool of one exists.
    Flyway.configure()
        .dataSource(url, "sa", "")
        .locations("classpath:db/migration")
        .load()
        .migrate();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername("sa");
    config.setPassword("");
    config.setMaximumPoolSize(1);
    config.setConnectionTimeout(2000);
    dataSource = new HikariDataSource(config);
    store = new JdbcIncidentStore(dataSource);
  }

  @AfterEach
  void tearDown() {
    dataSource.close();
  }

  @Test
  void readsWithItemsOnAPoolOfOneConnection() {
    store.insert(incident("inc-1", T0, item(NAMESPACE, StatusType.DEGRADED), item(CONFIG_MAP)));
    store.insert(incident("inc-2", T0.plusSeconds(1), item(SECRET)));

    assertThat(store.list("c-1", 10))
        .extracting(Incident::id, i -> i.items().size())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("inc-2", 1),
            org.assertj.core.groups.Tuple.tuple("inc-1", 2));
    assertThat(store.open("c-1")).hasSize(2);
    assertThat(store.find("inc-1").orElseThrow().items())
        .extracting(Incident.Item::key)
        .containsExactly(CONFIG_MAP, NAMESPACE);
    assertThat(store.find("nope")).isEmpty();
  }

  @Test
  void anUpdateChangesAddsAndRemovesItems() {
    store.insert(
        incident("inc-1", T0, item(NAMESPACE, StatusType.DEGRADED), item(CONFIG_MAP), item(CLAIM)));

    store.update(
        incident("inc-1", T0, item(NAMESPACE, StatusType.MISSING), item(CONFIG_MAP), item(SECRET)));

    Incident stored = store.find("inc-1").orElseThrow();
    assertThat(stored.items())
        .extracting(Incident.Item::key, Incident.Item::status)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(NAMESPACE, StatusType.MISSING),
            org.assertj.core.groups.Tuple.tuple(CONFIG_MAP, StatusType.MISSING),
            org.assertj.core.groups.Tuple.tuple(SECRET, StatusType.MISSING));
    assertThat(stored.headline()).isEqualTo("3 items");
  }

  @Test
  void itemsReadBackAsTheFactsTheyWereAndRenderTheSame() {
    List<Incident.Item> items =
        List.of(
            new Incident.Item(
                NAMESPACE,
                "sandbox",
                "acme",
                new SentinelStatus.Degraded(
                    List.of("terminating since 2026-11-22T10:00:00Z"),
                    List.of(
                        new FieldChange(
                            "metadata.annotations[\"openshift.io/requester\"]",
                            "alice",
                            "mallory",
                            "ownership: requester changed")))),
            new Incident.Item(
                CONFIG_MAP,
                "sandbox",
                "acme",
                new SentinelStatus.Modified(
                    List.of(
                        new FieldChange("data.replicas", 3, 5, "value changed"),
                        new FieldChange("data.tree", Map.of("a", List.of(1, 2)), null, "removed"),
                        new FieldChange("data.long", "y".repeat(200), "z", "value changed")))),
            new Incident.Item(CLAIM, "sandbox", "acme", new SentinelStatus.Replaced("u-1", "u-2")),
            new Incident.Item(SECRET, null, null, new SentinelStatus.Unknown("forbidden")));
    Incident written =
        incident("inc-1", T0).toBuilder().items(items).sealedAt(T0.plusSeconds(5)).build();
    store.insert(written);

    Incident read = store.find("inc-1").orElseThrow();

    assertThat(read.items()).containsExactlyInAnyOrderElementsOf(items);
    assertThat(read.text()).isEqualTo(written.text()).contains("data.replicas: 3 → 5");
    assertThat(read.markdown()).isEqualTo(written.markdown());
    assertThat(read.json()).isEqualTo(written.json()).contains("\"expectedUid\": \"u-1\"");
    assertThat(read.text()).contains("tenant (none)");
  }

  static Incident.Item item(ResourceKey key) {
    return item(key, StatusType.MISSING);
  }

  static Incident.Item item(ResourceKey key, StatusType status) {
    return TestItems.item(key, "sandbox", "acme", status);
  }

  static Incident incident(String id, Instant openedAt, Incident.Item... items) {
    return Incident.builder()
        .id(id)
        .cluster("c-1", "staging")
        .type(Incident.Type.SENTINEL_LOSS)
        .detectedBy(Incident.DetectedBy.WATCH)
        .openedAt(openedAt)
        .headline(items.length + " items")
        .items(List.of(items))
        .build();
  }
}
