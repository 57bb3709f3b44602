package io.stagingcanary.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.stagingcanary.MutableClock;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.incident.ItemAttribution.Source;
import io.stagingcanary.runs.ChangeActors;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who made the changes of a run's window, from the records on H2: a cascade is the user who started
 * it, and controllers' own requests, dry runs and records outside the window are left out.
 */
class RunChangeActorsTest {

  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
  private static final ResourceKey NAMESPACE =
      ResourceKey.clusterScoped("v1", "Namespace", "canary-acme");
  private static final ResourceKey SETTINGS =
      ResourceKey.namespaced("v1", "ConfigMap", "canary-acme", "settings");
  private static final ResourceKey OTHER =
      ResourceKey.namespaced("v1", "ConfigMap", "canary-beta", "settings");
  private static final String NS_CONTROLLER =
      "system:serviceaccount:kube-system:namespace-controller";

  @TempDir Path directory;
  HikariDataSource dataSource;
  ObservedRequestStore records;
  RunChangeActors actors;

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
    AttributionProperties properties =
        new AttributionProperties(
            Duration.ofHours(24),
            1000,
            Duration.ofMinutes(10),
            Duration.ofMinutes(2),
            List.of(NS_CONTROLLER),
            new AttributionProperties.Admission(
                true, 8443, new AttributionProperties.Tls(null, null, null)),
            new AttributionProperties.Audit(false));
    records = new ObservedRequestStore(dataSource, new MutableClock(T0), properties);
    actors = new RunChangeActors(records, properties);
  }

  @AfterEach
  void tearDown() {
    dataSource.close();
  }

  @Test
  void aNamespaceDeletionIsTheUsersAlsoForWhatTheNamespaceControllerRemoved() {
    records.add(request("namespaces", "Namespace", "", "canary-acme", "alice", T0.plusSeconds(1)));
    records.add(
        request(
            "configmaps",
            "ConfigMap",
            "canary-acme",
            "settings",
            NS_CONTROLLER,
            T0.plusSeconds(2)));

    Map<ResourceKey, ChangeActors.Actor> found =
        actors.actorsOf(List.of(NAMESPACE, SETTINGS), T0, T0.plusSeconds(60));

    assertThat(found).containsOnlyKeys(NAMESPACE, SETTINGS);
    assertThat(found.get(NAMESPACE).username()).isEqualTo("alice");
    assertThat(found.get(NAMESPACE).cause()).isNull();
    assertThat(found.get(SETTINGS).username()).isEqualTo("alice");
    assertThat(found.get(SETTINGS).cause()).isEqualTo("the deletion of namespace canary-acme");
  }

  @Test
  void controllersRequestsAndRecordsOutsideTheWindowAreLeftOut() {
    records.add(
        request(
            "configmaps",
            "ConfigMap",
            "canary-acme",
            "settings",
            NS_CONTROLLER,
            T0.plusSeconds(2)));
    records.add(
        request("configmaps", "ConfigMap", "canary-beta", "settings", "bob", T0.plusSeconds(61)));
    records.add(
        request("configmaps", "ConfigMap", "canary-beta", "settings", "eve", T0.minusSeconds(1)));

    assertThat(actors.actorsOf(List.of(SETTINGS, OTHER), T0, T0.plusSeconds(60))).isEmpty();
    assertThat(actors.actorsOf(List.of(OTHER), T0, T0.plusSeconds(61)))
        .extractingByKey(OTHER)
        .extracting(ChangeActors.Actor::username)
        .isEqualTo("bob");
  }

  private static ObservedRequest request(
      String resource, String kind, String namespace, String name, String user, Instant at) {
    return new ObservedRequest(
        Source.ADMISSION,
        "r",
        "delete",
        "",
        resource,
        kind,
        namespace,
        name,
        null,
        List.of(),
        user,
        List.of(),
        Map.of(),
        null,
        List.of(),
        false,
        at);
  }
}
