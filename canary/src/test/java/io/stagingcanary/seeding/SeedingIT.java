package io.stagingcanary.seeding;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.cluster.ClusterReader;
import io.stagingcanary.cluster.Kinds;
import io.stagingcanary.controlplane.ControlPlane;
import io.stagingcanary.controlplane.RealControlPlane;
import io.stagingcanary.controlplane.TestSentinelSets;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.fixtures.SentinelFixture;
import io.stagingcanary.fixtures.SentinelSet;
import io.stagingcanary.seeding.SeedOutcome.Result;
import io.stagingcanary.store.LedgerEntry;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Seeding against a real API server is idempotent, and a second agent instance never touches the
 * sentinels of the first: with its own ledger it reports conflicts, with the same ledger (a replica
 * on the same database) it finds everything unchanged.
 */
@RealControlPlane
class SeedingIT {

  private final ControlPlane controlPlane;
  private final KubernetesClient client;
  private ClusterIdentity cluster;
  private SentinelSet set;

  SeedingIT(ControlPlane controlPlane, KubernetesClient client) {
    this.controlPlane = controlPlane;
    this.client = client;
  }

  @BeforeEach
  void setUp() {
    cluster =
        new ClusterIdentity(ControlPlane.uniqueName("cluster"), "it", controlPlane.apiServerUrl());
    set =
        TestSentinelSets.tenantSet(
            ControlPlane.uniqueName("seed"), List.of("acme", "globex"), false);
  }

  @AfterEach
  void deleteTenantNamespaces() {
    for (var tenant : set.tenants()) {
      client.namespaces().withName(TestSentinelSets.namespace(set.name(), tenant.name())).delete();
    }
  }

  @Test
  void seedingTwiceCreatesOnceThenChangesNothing() {
    InMemoryLedger ledger = new InMemoryLedger();
    SeedingService agent = agent(ledger);

    SeedReport first = agent.seed(cluster, List.of(set));
    assertThat(first.counts()).isEqualTo(Map.of(Result.CREATED, sentinelCount()));
    Map<ResourceKey, String> versions = liveVersions();
    assertThat(versions).hasSize(sentinelCount());
    for (LedgerEntry entry : ledger.findAll(cluster.id())) {
      assertThat(liveUid(entry.key())).as("ledger uid of %s", entry.key()).isEqualTo(entry.uid());
    }

    SeedReport second = agent.seed(cluster, List.of(set));
    assertThat(second.counts()).isEqualTo(Map.of(Result.UNCHANGED, sentinelCount()));
    assertThat(liveVersions()).as("nothing was written").isEqualTo(versions);
  }

  @Test
  void aSecondInstanceNeverTouchesTheFirstInstancesSentinels() {
    InMemoryLedger ledgerA = new InMemoryLedger();
    agent(ledgerA).seed(cluster, List.of(set));
    Map<ResourceKey, String> versions = liveVersions();

    InMemoryLedger ledgerB = new InMemoryLedger();
    SeedReport other = agent(ledgerB).seed(cluster, List.of(set));
    assertThat(other.counts()).isEqualTo(Map.of(Result.CONFLICT, sentinelCount()));
    assertThat(ledgerB.count(cluster.id())).isZero();

    SeedReport replica = agent(ledgerA).seed(cluster, List.of(set));
    assertThat(replica.counts()).isEqualTo(Map.of(Result.UNCHANGED, sentinelCount()));

    assertThat(liveVersions()).as("neither instance wrote anything").isEqualTo(versions);
  }

  @Test
  void twoInstancesSeedingAtOnceCreateEverySentinelExactlyOnce() throws Exception {
    InMemoryLedger ledgerA = new InMemoryLedger();
    InMemoryLedger ledgerB = new InMemoryLedger();
    CyclicBarrier start = new CyclicBarrier(2);
    CompletableFuture<SeedReport> a =
        CompletableFuture.supplyAsync(() -> seedAfter(start, ledgerA));
    CompletableFuture<SeedReport> b =
        CompletableFuture.supplyAsync(() -> seedAfter(start, ledgerB));
    SeedReport reportA = a.get(5, TimeUnit.MINUTES);
    SeedReport reportB = b.get(5, TimeUnit.MINUTES);

    Map<ResourceKey, Integer> created = new HashMap<>();
    for (SeedReport report : List.of(reportA, reportB)) {
      for (SeedOutcome outcome : report.outcomes()) {
        assertThat(outcome.result()).isIn(Result.CREATED, Result.CONFLICT, Result.REFUSED);
        if (outcome.result() == Result.CREATED) {
          created.merge(outcome.sentinel().key(), 1, Integer::sum);
        }
        if (outcome.sentinel().kindSpec().namespaced()) {
          // Only the instance that created a namespace writes into it.
          String namespace = outcome.sentinel().key().namespace();
          boolean ownsNamespace =
              report.outcomes().stream()
                  .anyMatch(
                      o ->
                          o.sentinel().key().kind().equals("Namespace")
                              && o.sentinel().key().name().equals(namespace)
                              && o.result() == Result.CREATED);
          assertThat(outcome.result() == Result.CREATED)
              .as("%s created by the namespace's creator only", outcome.sentinel().key())
              .isEqualTo(ownsNamespace);
        }
      }
    }
    assertThat(created)
        .as("each sentinel created by exactly one instance")
        .hasSize(sentinelCount())
        .allSatisfy((key, count) -> assertThat(count).isEqualTo(1));
    for (InMemoryLedger ledger : List.of(ledgerA, ledgerB)) {
      for (LedgerEntry entry : ledger.findAll(cluster.id())) {
        assertThat(liveUid(entry.key()))
            .as("%s is the object its creator recorded", entry.key())
            .isEqualTo(entry.uid());
      }
    }
    assertThat(ledgerA.count(cluster.id()) + ledgerB.count(cluster.id()))
        .isEqualTo(sentinelCount());
  }

  private SeedReport seedAfter(CyclicBarrier start, InMemoryLedger ledger) {
    try {
      start.await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return agent(ledger).seed(cluster, List.of(set));
  }

  private SeedingService agent(InMemoryLedger ledger) {
    return new SeedingService(
        new ClusterReader(client), new GuardedMutations(client, ledger), ledger, Clock.systemUTC());
  }

  private int sentinelCount() {
    return TestSentinelSets.sentinels(set).size();
  }

  private Map<ResourceKey, String> liveVersions() {
    Map<ResourceKey, String> versions = new HashMap<>();
    for (SentinelFixture sentinel : TestSentinelSets.sentinels(set)) {
      GenericKubernetesResource live = get(sentinel.key(), sentinel);
      if (live != null) {
        versions.put(
            sentinel.key(),
            live.getMetadata().getUid() + "@" + live.getMetadata().getResourceVersion());
      }
    }
    return versions;
  }

  private String liveUid(ResourceKey key) {
    SentinelFixture sentinel =
        TestSentinelSets.sentinels(set).stream()
            .filter(s -> s.key().equals(key))
            .findFirst()
            .orElseThrow();
    GenericKubernetesResource live = get(key, sentinel);
    return live == null ? null : live.getMetadata().getUid();
  }

  private GenericKubernetesResource get(ResourceKey key, SentinelFixture sentinel) {
    var resources = client.genericKubernetesResources(Kinds.context(sentinel.kindSpec()));
    return key.namespace() == null
        ? resources.withName(key.name()).get()
        : resources.inNamespace(key.namespace()).withName(key.name()).get();
  }
}
