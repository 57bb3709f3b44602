package io.stagingcanary.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stagingcanary.controlplane.ControlPlane;
import io.stagingcanary.controlplane.RealControlPlane;
import io.stagingcanary.controlplane.TestSentinelSets;
import io.stagingcanary.fixtures.SentinelSet;
import io.stagingcanary.leader.Leadership;
import io.stagingcanary.metrics.CanaryMetrics;
import io.stagingcanary.metrics.MetricsProperties;
import io.stagingcanary.platform.ComponentExecutors;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.info.BuildProperties;

/**
 * Snapshot freshness on a real API server: off until the VolumeSnapshot CRD is installed, then the
 * newest ready snapshot per claim and the set's oldest feed the age gauge.
 */
@RealControlPlane
class SnapshotFreshnessIT {

  static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

  @Test
  void offWithoutTheApiThenAgesFromTheNewestReadySnapshots(
      ControlPlane controlPlane, KubernetesClient client) {
    String setName = ControlPlane.uniqueName("snap");
    SentinelSet set = TestSentinelSets.tenantSet(setName, List.of("acme"), false);
    String namespace = TestSentinelSets.namespace(setName, "acme");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    SnapshotFreshness freshness =
        new SnapshotFreshness(
            client,
            () -> TestSentinelSets.sentinels(set),
            new CanaryMetrics(
                registry,
                new MetricsProperties(
                    List.of(Duration.ofSeconds(1)),
                    List.of(Duration.ofSeconds(1)),
                    List.of(Duration.ofSeconds(1))),
                clock,
                new StaticListableBeanFactory().getBeanProvider(BuildProperties.class)),
            leader(),
            Duration.ofMinutes(5),
            clock,
            new ComponentExecutors(Duration.ofSeconds(1)));

    boolean installedBefore =
        client
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName("volumesnapshots.snapshot.storage.k8s.io")
                .get()
            != null;
    if (!installedBefore) {
      SnapshotFreshness.Report off = freshness.refresh();
      assertThat(off.enabled()).isFalse();
      assertThat(off.reason()).contains("snapshot.storage.k8s.io/v1");
    }

    controlPlane.installCrdsFromClasspath("crds/snapshot");
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
    try {
      SnapshotFreshnessTest.snapshot(
          client, namespace, "nightly-1", "data", NOW.minus(Duration.ofHours(28)), true);
      SnapshotFreshnessTest.snapshot(
          client, namespace, "nightly-2", "data", NOW.minus(Duration.ofHours(4)), true);
      SnapshotFreshnessTest.snapshot(
          client, namespace, "in-progress", "data", NOW.minus(Duration.ofMinutes(5)), false);

      SnapshotFreshness.Report on = freshness.refresh();

      assertThat(on.enabled()).isTrue();
      assertThat(on.claims()).hasSize(1);
      assertThat(on.claims().get(0).snapshot()).isEqualTo("nightly-2");
      assertThat(on.claims().get(0).ageSeconds()).isEqualTo(4 * 3600);
      assertThat(registry.get("canary.pvc.snapshot.age").tag("set", setName).gauge().value())
          .isEqualTo(4 * 3600.0);
    } finally {
      client.namespaces().withName(namespace).delete();
    }
  }

  static Leadership leader() {
    return new Leadership() {
      @Override
      public boolean isLeader() {
        return true;
      }

      @Override
      public String identity() {
        return "it";
      }
    };
  }
}
