package io.stagingcanary.seeding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.cluster.ClusterReader;
import io.stagingcanary.controlplane.ControlPlane;
import io.stagingcanary.controlplane.ExecResult;
import io.stagingcanary.controlplane.RealControlPlane;
import io.stagingcanary.controlplane.TestSentinelSets;
import io.stagingcanary.fixtures.FixtureCatalog;
import io.stagingcanary.fixtures.SentinelSet;
import io.stagingcanary.seeding.SeedOutcome.Result;
import io.stagingcanary.verification.SentinelState;
import io.stagingcanary.verification.SentinelStates;
import io.stagingcanary.verification.SentinelView;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end on a real control plane: the agent seeds a sandbox-shaped set (namespaces with
 * ConfigMaps, Secrets, ServiceAccounts, PVCs and OpenShift Routes), kubectl deletes one tenant's
 * namespace, and the agent's sentinel view reports that namespace and everything in it MISSING
 * while the other tenant stays PRESENT. Seeding again does not silently re-create the loss.
 *
 * <p>The set is built in code in the shape of {@code fixtures/sandbox}; the fixture catalog is a
 * stand-in until the fixture loader is on main.
 */
@RealControlPlane
class TenantLossIT {

  private final ControlPlane controlPlane;
  private final KubernetesClient client;
  private SentinelSet set;

  TenantLossIT(ControlPlane controlPlane, KubernetesClient client) {
    this.controlPlane = controlPlane;
    this.client = client;
  }

  @BeforeAll
  static void installOpenShiftKinds(ControlPlane controlPlane) {
    controlPlane.installCrdsFromClasspath("crds/openshift");
  }

  @AfterEach
  void deleteTenantNamespaces() {
    if (set != null) {
      for (var tenant : set.tenants()) {
        client
            .namespaces()
            .withName(TestSentinelSets.namespace(set.name(), tenant.name()))
            .delete();
      }
    }
  }

  @Test
  void deletingATenantNamespaceMakesItAndItsContentsMissing() {
    set =
        TestSentinelSets.tenantSet(
            ControlPlane.uniqueName("sandbox"), List.of("acme", "globex"), true);
    ClusterIdentity cluster =
        new ClusterIdentity(ControlPlane.uniqueName("cluster"), "it", controlPlane.apiServerUrl());
    InMemoryLedger ledger = new InMemoryLedger();
    SeedingService seeding =
        new SeedingService(
            new ClusterReader(client),
            new GuardedMutations(client, ledger),
            ledger,
            Clock.systemUTC());
    FixtureCatalog catalog = mock(FixtureCatalog.class);
    when(catalog.sets()).thenReturn(List.of(set));
    when(catalog.sentinels()).thenReturn(TestSentinelSets.sentinels(set));
    SentinelStates states = new SentinelStates(catalog, ledger, new ClusterReader(client));
    int perTenant = set.tenants().get(0).sentinels().size();

    SeedReport seeded = seeding.seed(cluster, List.of(set));
    assertThat(seeded.counts()).isEqualTo(Map.of(Result.CREATED, 2 * perTenant));
    assertThat(byState(states.observe(cluster)))
        .isEqualTo(Map.of(SentinelState.PRESENT, 2 * perTenant));

    String lost = TestSentinelSets.namespace(set.name(), "acme");
    ExecResult delete =
        controlPlane.kubectl("delete", "namespace", lost, "--wait=true", "--timeout=120s");
    assertThat(delete.exitCode()).as(delete.toString()).isZero();

    List<SentinelView> views = states.observe(cluster);
    assertThat(views)
        .filteredOn(v -> v.tenant().equals("acme"))
        .hasSize(perTenant)
        .allSatisfy(
            v -> {
              assertThat(v.state())
                  .as("%s %s/%s", v.kind(), v.namespace(), v.name())
                  .isEqualTo(SentinelState.MISSING);
              assertThat(v.detail()).contains("no longer in the cluster");
            })
        .extracting(SentinelView::kind)
        .containsExactlyInAnyOrder(
            "Namespace", "ConfigMap", "Secret", "ServiceAccount", "PersistentVolumeClaim", "Route");
    assertThat(views)
        .filteredOn(v -> v.tenant().equals("globex"))
        .hasSize(perTenant)
        .allSatisfy(v -> assertThat(v.state()).isEqualTo(SentinelState.PRESENT));

    SeedReport reseeded = seeding.seed(cluster, List.of(set));
    assertThat(reseeded.counts())
        .as("a loss is reported, never silently re-created")
        .isEqualTo(Map.of(Result.MISSING, perTenant, Result.UNCHANGED, perTenant));
    assertThat(client.namespaces().withName(lost).get()).isNull();
  }

  private static Map<SentinelState, Integer> byState(List<SentinelView> views) {
    return views.stream()
        .collect(Collectors.groupingBy(SentinelView::state, Collectors.summingInt(v -> 1)));
  }
}
