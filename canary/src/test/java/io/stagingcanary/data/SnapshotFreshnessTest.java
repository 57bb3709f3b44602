package io.stagingcanary.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stagingcanary.cluster.Kinds;
import io.stagingcanary.controlplane.TestSentinelSets;
import io.stagingcanary.fixtures.KindSpec;
import io.stagingcanary.fixtures.SentinelFixture;
import io.stagingcanary.fixtures.SentinelSet;
import io.stagingcanary.leader.Leadership;
import io.stagingcanary.metrics.CanaryMetrics;
import io.stagingcanary.metrics.MetricsProperties;
import io.stagingcanary.platform.ComponentExecutors;
import io.stagingcanary.sandbox.SandboxCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * Snapshot freshness on the sandbox API server: off (and saying so) when the snapshot API is not
 * served; with it, the newest READY snapshot per claim and the oldest of those per set feed the age
 * gauge.
 */
class SnapshotFreshnessTest {

  static final KindSpec SNAPSHOT =
      new KindSpec("snapshot.storage.k8s.io/v1", "VolumeSnapshot", "volumesnapshots", true);
  static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

  final SentinelSet set = TestSentinelSets.tenantSet("snaps", List.of("acme", "globex"), false);
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  @Test
  void reportsItselfOffWithoutTheSnapshotApi() {
    try (SandboxCluster sandbox = SandboxCluster.start("127.0.0.1", 0, set.kinds());
        KubernetesClient client = sandbox.newClient()) {
      SnapshotFreshness.Report report = freshness(client).refresh();

      assertThat(report.enabled()).isFalse();
      assertThat(report.reason())
          .isEqualTo("the cluster does not serve snapshot.storage.k8s.io/v1");
      assertThat(registry.find("canary.pvc.snapshot.age").gauges()).isEmpty();
    }
  }

  @Test
  void newestReadySnapshotPerClaimAndTheOldestOfThoseFeedTheSetsAge() {
    List<KindSpec> kinds = new java.util.ArrayList<>(set.kinds());
    kinds.add(SNAPSHOT);
    try (SandboxCluster sandbox = SandboxCluster.start("127.0.0.1", 0, kinds);
        KubernetesClient client = sandbox.newClient()) {
      snapshot(client, "snaps-acme", "old", "data", NOW.minus(Duration.ofHours(30)), true);
      snapshot(client, "snaps-acme", "new", "data", NOW.minus(Duration.ofHours(2)), true);
      snapshot(client, "snaps-acme", "not-ready", "data", NOW.minus(Duration.ofMinutes(1)), false);
      snapshot(client, "snaps-acme", "other-claim", "logs", NOW.minus(Duration.ofMinutes(1)), true);
      snapshot(client, "snaps-globex", "daily", "data", NOW.minus(Duration.ofHours(20)), true);

      SnapshotFreshness.Report report = freshness(client).refresh();

      assertThat(report.enabled()).isTrue();
      assertThat(report.claims())
          .extracting(
              c -> c.namespace() + "/" + c.claim() + "=" + c.snapshot() + "@" + c.ageSeconds())
          .containsExactlyInAnyOrder("snaps-acme/data=new@7200", "snaps-globex/data=daily@72000");
      double age = registry.get("canary.pvc.snapshot.age").tag("set", "snaps").gauge().value();
      assertThat(age).isEqualTo(72000.0);
    }
  }

  private SnapshotFreshness freshness(KubernetesClient client) {
    List<SentinelFixture> sentinels = TestSentinelSets.sentinels(set);
    CanaryMetrics metrics =
        new CanaryMetrics(
            registry,
            new MetricsProperties(
                List.of(Duration.ofSeconds(1)),
                List.of(Duration.ofSeconds(1)),
                List.of(Duration.ofSeconds(1))),
            clock,
            new StaticListableBeanFactory()
                .getBeanProvider(org.springframework.boot.info.BuildProperties.class));
    Leadership leader =
        new Leadership() {
          public boolean isLeader() {
            return true;
          }

          public String identity() {
            return "test";
          }
        };
    return new SnapshotFreshness(
        client,
        () -> sentinels,
        metrics,
        leader,
        Duration.ofMinutes(5),
        clock,
        new ComponentExecutors(Duration.ofSeconds(1)));
  }

  static void snapshot(
      KubernetesClient client,
      String namespace,
      String name,
      String claim,
      Instant takenAt,
      boolean ready) {
    GenericKubernetesResource snapshot =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("snapshot.storage.k8s.io/v1")
            .withKind("VolumeSnapshot")
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .endMetadata()
            .build();
    snapshot.setAdditionalProperty(
        "spec", Map.of("source", Map.of("persistentVolumeClaimName", claim)));
    snapshot.setAdditionalProperty(
        "status", Map.of("readyToUse", ready, "creationTime", takenAt.toString()));
    client
        .genericKubernetesResources(Kinds.context(SNAPSHOT))
        .inNamespace(namespace)
        .resource(snapshot)
        .create();
  }
}
