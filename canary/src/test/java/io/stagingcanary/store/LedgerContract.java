package io.stagingcanary.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.stagingcanary.MutableClock;
import io.stagingcanary.TestJdbc;
import io.stagingcanary.diff.ResourceKey;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The repository behaviour every supported database must show; subclasses provide the database. */
abstract class LedgerContract {

  static final Instant T0 = Instant.parse("2026-11-22T04:05:06.123456789Z");
  static final String CLUSTER = "4f1c2b9e-0000-4000-8000-000000000001";
  static final String OTHER_CLUSTER = "4f1c2b9e-0000-4000-8000-000000000002";

  final MutableClock clock = new MutableClock(T0);
  HikariDataSource dataSource;
  JdbcLedger ledger;

  /** A JDBC URL of an empty database, plus user and password (may be null). */
  abstract String[] newDatabase() throws Exception;

  @BeforeEach
  void openMigratedDatabase() throws Exception {
    String[] database = newDatabase();
    dataSource = pool(database[0], database[1], database[2]);
    MigrateResult result = migrate(dataSource);
    assertThat(result.migrationsExecuted).isGreaterThanOrEqualTo(1);
    ledger = new JdbcLedger(TestJdbc.client(dataSource), TestJdbc.transactions(dataSource), clock);
  }

  @AfterEach
  void closePool() {
    if (dataSource != null) {
      dataSource.close();
    }
  }

  static HikariDataSource pool(String url, String user, String password) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(4);
    return new HikariDataSource(config);
  }

  static MigrateResult migrate(javax.sql.DataSource dataSource) {
    return Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }

  // ---- entries ----

  @Test
  void savedEntryReadsBackWithEveryField() {
    String manifest = largeManifest();
    LedgerEntry entry =
        LedgerEntry.builder()
            .clusterId(CLUSTER)
            .key(ResourceKey.namespaced("v1", "ConfigMap", "tenant-a", "settings"))
            .owner("baseline", "team-a")
            .server("0b6f3c1e-7a2d-4c1e-9f00-1234567890ab", "48151623")
            .content(sha('a'), manifest)
            .seededAt(T0)
            .generation(3)
            .build();

    ledger.save(entry);

    LedgerEntry found = ledger.find(CLUSTER, entry.key()).orElseThrow();
    assertThat(found).isEqualTo(entry);
    assertThat(found.manifestJson()).isEqualTo(manifest).hasSizeGreaterThan(100_000);
    assertThat(found.seededAt()).isEqualTo(Instant.parse("2026-11-22T04:05:06.123456Z"));
    assertThat(found.generation()).isEqualTo(3);
    assertThat(updatedAt(entry)).isEqualTo(Instant.parse("2026-11-22T04:05:06.123456Z"));
  }

  @Test
  void serverAssignedFieldsMayBeUnknown() {
    LedgerEntry entry = entry(CLUSTER, ResourceKey.namespaced("v1", "Secret", "t", "s"), "set");
    LedgerEntry pending =
        LedgerEntry.builder()
            .clusterId(CLUSTER)
            .key(entry.key())
            .owner("set", "team")
            .content(entry.fingerprint(), "{}")
            .seededAt(T0)
            .build();

    ledger.save(pending);

    assertThat(ledger.find(CLUSTER, entry.key())).contains(pending);
  }

  @Test
  void savingTheSameKeyAgainReplacesTheEntryInPlace() {
    LedgerEntry first =
        entry(CLUSTER, ResourceKey.namespaced("v1", "PersistentVolumeClaim", "t", "data"), "pvc");
    ledger.save(first);
    clock.advance(Duration.ofMinutes(5));

    LedgerEntry reseeded =
        first.reseeded(
            "new-uid",
            "999",
            sha('b'),
            "{\"kind\":\"PersistentVolumeClaim\"}",
            T0.plusSeconds(300));
    ledger.save(reseeded);

    assertThat(ledger.count(CLUSTER)).isEqualTo(1);
    LedgerEntry found = ledger.find(CLUSTER, first.key()).orElseThrow();
    assertThat(found).isEqualTo(reseeded).isNotEqualTo(first);
    assertThat(found.uid()).isEqualTo("new-uid");
    assertThat(found.generation()).isEqualTo(2);
    assertThat(updatedAt(first))
        .isEqualTo(
            T0.plus(Duration.ofMinutes(5)).truncatedTo(java.time.temporal.ChronoUnit.MICROS));
  }

  @Test
  void clusterScopedKeysAreStoredWithAnEmptyNamespace() {
    ResourceKey namespace = ResourceKey.clusterScoped("v1", "Namespace", "tenant-a");
    ResourceKey sameNameNamespaced =
        ResourceKey.namespaced("v1", "Namespace", "tenant-a", "tenant-a");
    ledger.save(entry(CLUSTER, namespace, "tenants"));
    ledger.save(entry(CLUSTER, sameNameNamespaced, "tenants"));

    assertThat(ledger.find(CLUSTER, namespace).orElseThrow().key().namespace()).isNull();
    assertThat(ledger.find(CLUSTER, new ResourceKey("v1", "Namespace", "", "tenant-a")))
        .map(LedgerEntry::key)
        .contains(namespace);
    assertThat(
            JdbcClient.create(dataSource)
                .sql(
                    "SELECT namespace FROM ledger_entry WHERE name = 'tenant-a' ORDER BY namespace")
                .query(String.class)
                .list())
        .containsExactly("", "tenant-a");
    assertThat(ledger.count(CLUSTER)).isEqualTo(2);
  }

  @Test
  void summariesAreTheEntriesWithoutTheirManifests() {
    ResourceKey namespace = ResourceKey.clusterScoped("v1", "Namespace", "tenant-a");
    ResourceKey configMap = ResourceKey.namespaced("v1", "ConfigMap", "tenant-a", "settings");
    ledger.save(entry(CLUSTER, configMap, "set"));
    ledger.save(entry(CLUSTER, namespace, "set"));
    ledger.save(entry(OTHER_CLUSTER, configMap, "set"));
    ledger.save(
        ledger
            .find(CLUSTER, configMap)
            .orElseThrow()
            .reseeded("uid-2", "7", sha('c'), "{}", T0.plusSeconds(60)));

    assertThat(ledger.summaries(CLUSTER))
        .containsExactlyElementsOf(
            ledger.findAll(CLUSTER).stream()
                .map(e -> new LedgerSummary(e.key(), e.uid(), e.seededAt(), e.generation()))
                .toList());
    assertThat(ledger.summaries(CLUSTER))
        .extracting(LedgerSummary::key, LedgerSummary::uid, LedgerSummary::generation)
        .contains(org.assertj.core.groups.Tuple.tuple(configMap, "uid-2", 2));
    assertThat(ledger.summaries(CLUSTER))
        .extracting(LedgerSummary::key)
        .as("a cluster-scoped key comes back without a namespace")
        .contains(namespace);
  }

  @Test
  void clustersAreIsolated() {
    ResourceKey key = ResourceKey.namespaced("v1", "ConfigMap", "t", "shared-name");
    LedgerEntry mine = entry(CLUSTER, key, "set");
    LedgerEntry theirs =
        LedgerEntry.builder()
            .clusterId(OTHER_CLUSTER)
            .key(key)
            .owner("other-set", "other-team")
            .server("u2", "7")
            .content(sha('c'), "{}")
            .seededAt(T0)
            .generation(5)
            .build();
    ledger.save(mine);
    ledger.save(theirs);
    ledger.save(entry(OTHER_CLUSTER, ResourceKey.clusterScoped("v1", "Namespace", "t"), "set"));

    assertThat(ledger.findAll(CLUSTER)).containsExactly(mine);
    assertThat(ledger.find(OTHER_CLUSTER, key)).contains(theirs);
    assertThat(ledger.count(CLUSTER)).isEqualTo(1);
    assertThat(ledger.count(OTHER_CLUSTER)).isEqualTo(2);
    assertThat(ledger.findBySet(CLUSTER, "other-set")).isEmpty();

    assertThat(ledger.delete(CLUSTER, key)).isTrue();
    assertThat(ledger.find(OTHER_CLUSTER, key)).contains(theirs);
    assertThat(ledger.count(CLUSTER)).isZero();
  }

  @Test
  void findAllIsOrderedByKindNamespaceNameAndApiVersionWhateverTheCollation() {
    List<ResourceKey> expected =
        List.of(
            ResourceKey.namespaced("v1", "ConfigMap", "a-b", "x"),
            ResourceKey.namespaced("v1", "ConfigMap", "a.c", "x"),
            ResourceKey.namespaced("v1", "ConfigMap", "ab", "X-upper"),
            ResourceKey.namespaced("v1", "ConfigMap", "ab", "a"),
            ResourceKey.namespaced("v1", "ConfigMap", "ab", "a-1"),
            ResourceKey.namespaced("v1", "ConfigMap", "ab", "a1"),
            ResourceKey.clusterScoped("v1", "Namespace", "ab"),
            ResourceKey.clusterScoped("v1", "Namespace", "b"),
            ResourceKey.clusterScoped("project.openshift.io/v1", "Project", "ab"),
            ResourceKey.namespaced("rbac.authorization.k8s.io/v1", "RoleBinding", "ab", "view"),
            ResourceKey.clusterScoped("user.openshift.io/v1", "User", "alice"),
            ResourceKey.clusterScoped("user.openshift.io/v2", "User", "alice"));
    List<ResourceKey> shuffled = new ArrayList<>(expected);
    Collections.shuffle(shuffled, new Random(42));
    shuffled.forEach(key -> ledger.save(entry(CLUSTER, key, key.kind())));

    assertThat(ledger.findAll(CLUSTER))
        .extracting(LedgerEntry::key)
        .containsExactlyElementsOf(expected);
    assertThat(ledger.findBySet(CLUSTER, "ConfigMap"))
        .extracting(LedgerEntry::key)
        .containsExactlyElementsOf(expected.subList(0, 6));
    assertThat(ledger.findBySet(CLUSTER, "User"))
        .extracting(LedgerEntry::key)
        .containsExactly(expected.get(10), expected.get(11));
    assertThat(ledger.count(CLUSTER)).isEqualTo(expected.size());
  }

  @Test
  void deleteRemovesOnlyTheGivenKeyAndReportsWhetherItExisted() {
    ResourceKey gone = ResourceKey.namespaced("v1", "ConfigMap", "t", "gone");
    ResourceKey kept = ResourceKey.namespaced("v1", "ConfigMap", "t", "kept");
    ledger.save(entry(CLUSTER, gone, "set"));
    ledger.save(entry(CLUSTER, kept, "set"));

    assertThat(ledger.delete(CLUSTER, gone)).isTrue();
    assertThat(ledger.delete(CLUSTER, gone)).isFalse();
    assertThat(ledger.delete(CLUSTER, ResourceKey.clusterScoped("v1", "ConfigMap", "kept")))
        .isFalse();

    assertThat(ledger.find(CLUSTER, gone)).isEmpty();
    assertThat(ledger.findAll(CLUSTER)).extracting(LedgerEntry::key).containsExactly(kept);
    assertThat(ledger.count(CLUSTER)).isEqualTo(1);
  }

  @Test
  void concurrentSavesOfNewKeysNeverFail() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Void>> saves = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        LedgerEntry entry =
            entry(CLUSTER, ResourceKey.namespaced("v1", "ConfigMap", "t", "cm-" + i), "set");
        for (int writer = 0; writer < 4; writer++) {
          saves.add(
              () -> {
                ledger.save(entry);
                return null;
              });
        }
      }
      for (Future<Void> save : pool.invokeAll(saves)) {
        save.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(ledger.count(CLUSTER)).isEqualTo(20);
  }

  // ---- clusters ----

  @Test
  void touchClusterRecordsFirstAndLastSighting() {
    assertThat(ledger.findCluster(CLUSTER)).isEmpty();

    ledger.touchCluster(CLUSTER, "staging", T0);
    assertThat(ledger.findCluster(CLUSTER)).contains(new ClusterRecord(CLUSTER, "staging", T0, T0));

    Instant later = T0.plus(Duration.ofHours(2));
    ledger.touchCluster(CLUSTER, "staging-renamed", later);
    ledger.touchCluster(OTHER_CLUSTER, "other", later);

    ClusterRecord touched = ledger.findCluster(CLUSTER).orElseThrow();
    assertThat(touched.firstSeenAt()).isEqualTo(Instant.parse("2026-11-22T04:05:06.123456Z"));
    assertThat(touched.lastSeenAt()).isEqualTo(Instant.parse("2026-11-22T06:05:06.123456Z"));
    assertThat(touched.clusterName()).isEqualTo("staging-renamed");
    assertThat(ledger.clusters())
        .containsExactly(touched, new ClusterRecord(OTHER_CLUSTER, "other", later, later));
  }

  // ---- migrations ----

  @Test
  void rerunningMigrationsIsANoOp() {
    ledger.save(entry(CLUSTER, ResourceKey.clusterScoped("v1", "Namespace", "kept"), "set"));

    MigrateResult again = migrate(dataSource);

    assertThat(again.migrationsExecuted).isZero();
    assertThat(again.success).isTrue();
    assertThat(ledger.count(CLUSTER)).isEqualTo(1);
  }

  // ---- helpers ----

  Instant updatedAt(LedgerEntry entry) {
    return JdbcClient.create(dataSource)
        .sql("SELECT updated_at FROM ledger_entry WHERE cluster_id = ? AND name = ?")
        .params(entry.clusterId(), entry.key().name())
        .query((rs, row) -> rs.getObject(1, OffsetDateTime.class).toInstant())
        .single();
  }

  static LedgerEntry entry(String clusterId, ResourceKey key, String set) {
    return LedgerEntry.builder()
        .clusterId(clusterId)
        .key(key)
        .owner(set, "team-" + set)
        .server("uid-" + key.name(), "1")
        .content(sha('f'), "{\"kind\":\"" + key.kind() + "\",\"name\":\"" + key.name() + "\"}")
        .seededAt(T0)
        .build();
  }

  static String sha(char digit) {
    return String.valueOf(digit).repeat(64);
  }

  /** A JSON manifest well beyond any VARCHAR limit, with non-ASCII text. */
  static String largeManifest() {
    StringBuilder json =
        new StringBuilder("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{");
    for (int i = 0; i < 4000; i++) {
      json.append(i == 0 ? "" : ",")
          .append("\"key-")
          .append(i)
          .append("\":\"välue ✓ ")
          .append(i)
          .append("\"");
    }
    return json.append("}}").toString();
  }
}
