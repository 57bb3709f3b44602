package io.stagingcanary.verification;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.stagingcanary.alerts.AlertingHarness;
import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelResult;
import io.stagingcanary.diff.SentinelStatus;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentEngine;
import io.stagingcanary.incident.JdbcIncidentStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst: 1,000 sentinels deleted within a second arrive as many watch batches, terminating
 * namespaces escalate after the seal, everything comes back — through the real assembler, incident
 * store, outbox and worker to WireMock receivers: one firing and one resolve per channel.
 */
class AlertBurstTest {

  static final ClusterIdentity CLUSTER = new ClusterIdentity("c-1", "staging", "https://k8s");
  static final List<String> PATHS = List.of("/am/api/v2/alerts", "/slack", "/pd", "/hook");
  static final int TENANTS = 10;
  static final int PER_TENANT = 99;

  @TempDir Path directory;
  WireMockServer receiver;
  HikariDataSource dataSource;
  AlertingHarness alerts;
  JdbcIncidentStore store;
  IncidentEngine assembler;
  final List<Incident> sealed = new ArrayList<>();

  @BeforeEach
  void setUp() {
    receiver = new WireMockServer(options().dynamicPort());
    receiver.start();
    PATHS.forEach(
        p -> receiver.stubFor(post(urlEqualTo(p)).willReturn(aResponse().withStatus(200))));
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:file:" + directory.resolve("ledger").toAbsolutePath());
    config.setUsername("sa");
    config.setPassword("");
    dataSource = new HikariDataSource(config);
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    alerts = new AlertingHarness(dataSource, receiver.baseUrl(), () -> true);
    store = new JdbcIncidentStore(dataSource);
    assembler =
        new IncidentEngine(
            store,
            Clock.systemUTC(),
            Duration.ofSeconds(5),
            sealed::add,
            i -> {},
            alerts.incidents());
    assembler.restore(CLUSTER);
  }

  @AfterEach
  void tearDown() {
    alerts.close();
    dataSource.close();
    receiver.stop();
  }

  static SentinelResult result(ResourceKey key, String tenant, SentinelStatus status) {
    return new SentinelResult(key, "sandbox", tenant, status);
  }

  @Test
  void aThousandDeletedSentinelsAreOneIncidentAndOneMessagePerChannel() {
    alerts.start();
    List<SentinelResult> namespaces = new ArrayList<>();
    List<SentinelResult> objects = new ArrayList<>();
    for (int t = 0; t < TENANTS; t++) {
      String tenant = "tenant-" + t;
      String namespace = "canary-" + tenant;
      namespaces.add(
          result(
              ResourceKey.clusterScoped("v1", "Namespace", namespace),
              tenant,
              new SentinelStatus.Degraded(List.of("terminating"), List.of())));
      for (int i = 0; i < PER_TENANT; i++) {
        objects.add(
            result(
                ResourceKey.namespaced("v1", "ConfigMap", namespace, "cm-" + i),
                tenant,
                new SentinelStatus.Missing()));
      }
    }
    assertThat(namespaces.size() + objects.size()).isEqualTo(1000);

    // the watch delivers the burst in batches: the namespaces start terminating, then their
    // contents disappear
    assembler.accept(namespaces, Incident.DetectedBy.WATCH, null, null);
    for (int from = 0; from < objects.size(); from += 200) {
      assembler.accept(
          objects.subList(from, Math.min(objects.size(), from + 200)),
          Incident.DetectedBy.WATCH,
          null,
          null);
    }
    assembler.seal();
    // after the seal, the namespaces are gone: escalations of the open incident
    List<SentinelResult> gone =
        namespaces.stream()
            .map(n -> result(n.key(), n.tenant(), new SentinelStatus.Missing()))
            .toList();
    assembler.accept(gone, Incident.DetectedBy.VERIFICATION, null, null);

    assertThat(sealed).hasSize(1);
    Incident incident = store.find(sealed.get(0).id()).orElseThrow();
    assertThat(incident.items()).hasSize(1000);
    await().atMost(Duration.ofSeconds(30)).until(() -> alerts.pending() == 0);

    // everything comes back
    Map<ResourceKey, SentinelResult> current = new HashMap<>();
    for (SentinelResult r : namespaces) {
      current.put(r.key(), result(r.key(), r.tenant(), new SentinelStatus.Present()));
    }
    for (SentinelResult r : objects) {
      current.put(r.key(), result(r.key(), r.tenant(), new SentinelStatus.Present()));
    }
    assembler.resolveRecovered(current);
    await().atMost(Duration.ofSeconds(30)).until(() -> alerts.pending() == 0);
    await().atMost(Duration.ofSeconds(5)).until(() -> PATHS.stream().allMatch(p -> count(p) >= 2));
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> true);
    for (String path : PATHS) {
      assertThat(count(path)).as(path).isEqualTo(2);
    }
    assertThat(store.find(incident.id()).orElseThrow().resolvedAt()).isNotNull();
  }

  int count(String path) {
    return receiver.findAll(postRequestedFor(urlEqualTo(path))).size();
  }
}
