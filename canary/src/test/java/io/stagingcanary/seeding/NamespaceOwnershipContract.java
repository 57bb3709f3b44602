package io.stagingcanary.seeding;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.cluster.ClusterReader;
import io.stagingcanary.cluster.Kinds;
import io.stagingcanary.controlplane.TestSentinelSets;
import io.stagingcanary.diff.Diff;
import io.stagingcanary.diff.ExpectedSentinel;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelResult;
import io.stagingcanary.diff.StatusType;
import io.stagingcanary.fixtures.KindSpec;
import io.stagingcanary.fixtures.SentinelFixture;
import io.stagingcanary.fixtures.SentinelSet;
import io.stagingcanary.fixtures.TenantFixture;
import io.stagingcanary.inventory.Inventory;
import io.stagingcanary.inventory.ObjectMaps;
import io.stagingcanary.seeding.SeedOutcome.Result;
import io.stagingcanary.store.LedgerEntry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Seeding and re-seeding never write into a namespace the canary does not own: the same scenarios
 * on the CRUD mock server ({@link NamespaceOwnershipTest}) and on a real API server ({@link
 * NamespaceOwnershipIT}). "Nothing written" is checked as the uid and resourceVersion of every
 * object of the fixture's kinds in the namespace, before and after, and no new object.
 */
abstract class NamespaceOwnershipContract {

  static final KindSpec ROLE_BINDING =
      new KindSpec("rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", true);

  /** Every kind a fixture below writes into a namespace. */
  static final List<KindSpec> NAMESPACED_KINDS =
      List.of(
          TestSentinelSets.CONFIG_MAP,
          TestSentinelSets.SECRET,
          TestSentinelSets.SERVICE_ACCOUNT,
          TestSentinelSets.PVC,
          ROLE_BINDING);

  protected final InMemoryLedger ledger = new InMemoryLedger();

  protected abstract KubernetesClient client();

  protected abstract ClusterIdentity cluster();

  /** A name no other test uses. */
  protected abstract String uniqueName(String prefix);

  /** Deletes the namespace and everything in it, and returns once it is gone. */
  protected abstract void deleteNamespaceAndWait(String namespace);

  /** Returns once the server's controllers have filled a new namespace (default SA, CA bundle). */
  protected abstract void awaitNamespaceSettled(String namespace);

  /** Namespaces to delete after the test. */
  protected final List<String> created = new ArrayList<>();

  @Test
  void aTenantDeclaringAnExistingForeignNamespaceWritesNothingIntoIt() {
    String namespace = uniqueName("team-payments");
    created.add(namespace);
    SentinelNamespaces.createForeign(client(), namespace, false);
    awaitNamespaceSettled(namespace);
    configMap(namespace, "payments-config");
    SentinelSet set = tenantIn(uniqueName("kube-like"), namespace);
    Map<String, String> before = everything(namespace);

    SeedReport report = seeding().seed(cluster(), List.of(set));

    assertThat(outcome(report, "Namespace").result()).isEqualTo(Result.CONFLICT);
    String uid = client().namespaces().withName(namespace).get().getMetadata().getUid();
    assertThat(report.outcomes())
        .filteredOn(o -> o.sentinel().kindSpec().namespaced())
        .hasSize(3)
        .allSatisfy(
            o -> {
              assertThat(o.result()).isEqualTo(Result.REFUSED);
              assertThat(o.detail())
                  .contains("namespace " + namespace + " (uid " + uid + ")")
                  .contains("neither a sentinel namespace in the ledger");
            });
    assertThat(everything(namespace)).as("nothing written").isEqualTo(before);
    assertThat(before).containsKey("ConfigMap/payments-config");
    assertThat(ledger.count(cluster().id())).isZero();
  }

  @Test
  void aTenantDeclaringKubeSystemWritesNothingIntoIt() {
    awaitNamespaceSettled("kube-system");
    SentinelSet set = tenantIn(uniqueName("kube-system"), "kube-system");
    Map<String, String> before = everything("kube-system");

    SeedReport report = seeding().seed(cluster(), List.of(set));

    assertThat(outcome(report, "Namespace").result()).isEqualTo(Result.CONFLICT);
    assertThat(report.outcomes())
        .filteredOn(o -> o.sentinel().kindSpec().namespaced())
        .hasSize(3)
        .allSatisfy(
            o -> {
              assertThat(o.result()).isEqualTo(Result.REFUSED);
              assertThat(o.detail())
                  .contains("namespace kube-system is refused: kube-system is a Kubernetes system");
            });
    assertThat(everything("kube-system")).as("nothing written").isEqualTo(before);
    assertThat(before).as("kube-system seen").isNotEmpty();
    assertThat(ledger.count(cluster().id())).isZero();
  }

  @Test
  void aLostNamespaceReplacedByAForeignOneIsReplacedAndNothingIsReseededIntoIt() {
    replacedNamespaceScenario(false);
  }

  @Test
  void aForgedSentinelLabelOnTheForeignNamespaceChangesNothing() {
    replacedNamespaceScenario(true);
  }

  private void replacedNamespaceScenario(boolean forged) {
    String setName = uniqueName("lost");
    SentinelSet set = TestSentinelSets.tenantSet(setName, List.of("acme"), false);
    String namespace = TestSentinelSets.namespace(setName, "acme");
    created.add(namespace);
    SeedingService seeding = seeding();
    assertThat(seeding.seed(cluster(), List.of(set)).counts()).containsOnlyKeys(Result.CREATED);
    Map<ResourceKey, LedgerEntry> seeded = ledgerEntries();

    deleteNamespaceAndWait(namespace);
    Namespace foreign = SentinelNamespaces.createForeign(client(), namespace, forged);
    awaitNamespaceSettled(namespace);
    configMap(namespace, "their-config");
    Map<String, String> before = everything(namespace);

    List<SeedOutcome> outcomes =
        seeding.reseed(cluster(), TestSentinelSets.sentinels(set), "inc-test");

    String uid = foreign.getMetadata().getUid();
    assertThat(outcomes).hasSize(TestSentinelSets.sentinels(set).size());
    assertThat(outcomes.get(0).sentinel().key().kind())
        .as("namespace first")
        .isEqualTo("Namespace");
    assertThat(outcomes.get(0).result()).isEqualTo(Result.CONFLICT);
    assertThat(outcomes.subList(1, outcomes.size()))
        .allSatisfy(
            o -> {
              assertThat(o.result()).isEqualTo(Result.REFUSED);
              assertThat(o.detail())
                  .contains("namespace " + namespace + " (uid " + uid + ")")
                  .contains("replaced by someone else's")
                  .endsWith("it stays lost");
            });
    assertThat(everything(namespace)).as("nothing written, forged=%s", forged).isEqualTo(before);
    assertThat(before).containsKey("ConfigMap/their-config");
    assertThat(ledgerEntries()).as("nothing adopted into the ledger").isEqualTo(seeded);

    Map<ResourceKey, StatusType> view = verifierView(set);
    assertThat(view.get(ResourceKey.clusterScoped("v1", "Namespace", namespace)))
        .isEqualTo(StatusType.REPLACED);
    assertThat(view.entrySet())
        .filteredOn(e -> e.getKey().isNamespaced())
        .hasSize(4)
        .allSatisfy(
            e -> assertThat(e.getValue()).as("%s", e.getKey()).isEqualTo(StatusType.MISSING));
  }

  /** What a full verification judges: label-selected LIST, a second look without it, the diff. */
  private Map<ResourceKey, StatusType> verifierView(SentinelSet set) {
    Inventory inventory = new Inventory(new ClusterReader(client()), Clock.systemUTC());
    List<ExpectedSentinel> expected = new ArrayList<>();
    Map<ResourceKey, KindSpec> kinds = new LinkedHashMap<>();
    for (SentinelFixture sentinel : TestSentinelSets.sentinels(set)) {
      LedgerEntry entry = ledger.find(cluster().id(), sentinel.key()).orElseThrow();
      expected.add(
          new ExpectedSentinel(
              entry.key(),
              entry.set(),
              entry.tenant(),
              entry.uid(),
              ObjectMaps.fromJson(entry.manifestJson())));
      kinds.put(sentinel.key(), sentinel.kindSpec());
    }
    var listing = inventory.list(set.kinds());
    Map<ResourceKey, KindSpec> absent = new LinkedHashMap<>();
    kinds.forEach(
        (key, kind) -> {
          if (listing.snapshot().get(key) == null) {
            absent.put(key, kind);
          }
        });
    var snapshot = inventory.confirmAbsent(listing.snapshot(), absent).snapshot();
    return Diff.compare(expected, snapshot).results().stream()
        .collect(Collectors.toMap(SentinelResult::key, SentinelResult::type));
  }

  private SeedingService seeding() {
    return new SeedingService(
        new ClusterReader(client()),
        new GuardedMutations(client(), ledger),
        ledger,
        Clock.systemUTC());
  }

  private Map<ResourceKey, LedgerEntry> ledgerEntries() {
    Map<ResourceKey, LedgerEntry> entries = new TreeMap<>();
    ledger.findAll(cluster().id()).forEach(e -> entries.put(e.key(), e));
    return entries;
  }

  /** A tenant (loader bypassed) with a Namespace and three namespaced sentinels in it. */
  static SentinelSet tenantIn(String set, String namespace) {
    List<SentinelFixture> sentinels = new ArrayList<>();
    sentinels.add(
        TestSentinelSets.sentinel(
            set, "acme", TestSentinelSets.NAMESPACE, null, namespace, Map.of()));
    sentinels.add(
        TestSentinelSets.sentinel(
            set,
            "acme",
            TestSentinelSets.CONFIG_MAP,
            namespace,
            "canary-settings",
            Map.of("data", Map.of("tier", "pro"))));
    sentinels.add(
        TestSentinelSets.sentinel(
            set, "acme", TestSentinelSets.SERVICE_ACCOUNT, namespace, "canary-builder", Map.of()));
    sentinels.add(
        TestSentinelSets.sentinel(
            set,
            "acme",
            ROLE_BINDING,
            namespace,
            "canary-admin",
            Map.of(
                "roleRef",
                Map.of(
                    "apiGroup",
                    "rbac.authorization.k8s.io",
                    "kind",
                    "ClusterRole",
                    "name",
                    "admin"),
                "subjects",
                List.of(
                    Map.of(
                        "kind",
                        "ServiceAccount",
                        "name",
                        "canary-builder",
                        "namespace",
                        namespace)))));
    return new SentinelSet(
        set,
        "",
        List.of(
            TestSentinelSets.NAMESPACE,
            TestSentinelSets.CONFIG_MAP,
            TestSentinelSets.SERVICE_ACCOUNT,
            ROLE_BINDING),
        List.of(new TenantFixture("acme", "", Map.of(), sentinels)));
  }

  private static SeedOutcome outcome(SeedReport report, String kind) {
    return report.outcomes().stream()
        .filter(o -> o.sentinel().key().kind().equals(kind))
        .findFirst()
        .orElseThrow();
  }

  /** {@code kind/name -> uid@resourceVersion} of every object of the fixture kinds in it. */
  protected Map<String, String> everything(String namespace) {
    Map<String, String> all = new TreeMap<>();
    for (KindSpec kind : NAMESPACED_KINDS) {
      for (GenericKubernetesResource item :
          client()
              .genericKubernetesResources(Kinds.context(kind))
              .inNamespace(namespace)
              .list()
              .getItems()) {
        all.put(
            kind.kind() + "/" + item.getMetadata().getName(),
            item.getMetadata().getUid() + "@" + item.getMetadata().getResourceVersion());
      }
    }
    return all;
  }

  private void configMap(String namespace, String name) {
    client()
        .configMaps()
        .inNamespace(namespace)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .addToData("value", "precious")
                .build())
        .create();
  }
}
