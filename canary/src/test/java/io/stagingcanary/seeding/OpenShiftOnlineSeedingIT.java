package io.stagingcanary.seeding;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.cluster.ClusterReader;
import io.stagingcanary.cluster.Kinds;
import io.stagingcanary.controlplane.ControlPlane;
import io.stagingcanary.controlplane.RealControlPlane;
import io.stagingcanary.fixtures.FixtureLoader;
import io.stagingcanary.fixtures.KindSpec;
import io.stagingcanary.fixtures.SentinelFixture;
import io.stagingcanary.fixtures.SentinelSet;
import io.stagingcanary.seeding.SeedOutcome.Result;
import io.stagingcanary.store.LedgerEntry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shipped openshift-online set seeds into a real API server with the OpenShift CRDs. */
@RealControlPlane
class OpenShiftOnlineSeedingIT {

  private static SentinelSet set;

  @BeforeAll
  static void installCrds(ControlPlane controlPlane) {
    controlPlane.installCrdsFromClasspath("crds/openshift");
    set = new FixtureLoader().load(Path.of("..", "fixtures"), List.of("openshift-online")).get(0);
  }

  @AfterAll
  static void deleteTheSet(KubernetesClient client) {
    for (KindSpec kind : set.kinds()) {
      if (!kind.namespaced()) {
        client
            .genericKubernetesResources(Kinds.context(kind))
            .withLabel("stagingcanary.io/set", "openshift-online")
            .delete();
      }
    }
  }

  @Test
  void everySentinelIsCreatedWithTheLedgersUidAndReseedingChangesNothing(
      ControlPlane controlPlane, KubernetesClient client) {
    ClusterIdentity cluster =
        new ClusterIdentity(ControlPlane.uniqueName("cluster"), "it", controlPlane.apiServerUrl());
    InMemoryLedger ledger = new InMemoryLedger();
    SeedingService seeding =
        new SeedingService(
            new ClusterReader(client),
            new GuardedMutations(client, ledger),
            ledger,
            Clock.systemUTC());

    SeedReport first = seeding.seed(cluster, List.of(set));
    assertThat(first.counts()).isEqualTo(Map.of(Result.CREATED, 80));
    for (LedgerEntry entry : ledger.findAll(cluster.id())) {
      SentinelFixture sentinel =
          set.sentinels().stream().filter(s -> s.key().equals(entry.key())).findFirst().get();
      var resources = client.genericKubernetesResources(Kinds.context(sentinel.kindSpec()));
      GenericKubernetesResource live =
          sentinel.kindSpec().namespaced()
              ? resources.inNamespace(entry.key().namespace()).withName(entry.key().name()).get()
              : resources.withName(entry.key().name()).get();
      assertThat(live).as(entry.key().toString()).isNotNull();
      assertThat(live.getMetadata().getUid()).isEqualTo(entry.uid());
      assertThat(live.getMetadata().getLabels()).containsKey("purchased");
    }

    SeedReport second = seeding.seed(cluster, List.of(set));
    assertThat(second.counts()).isEqualTo(Map.of(Result.UNCHANGED, 80));
  }
}
