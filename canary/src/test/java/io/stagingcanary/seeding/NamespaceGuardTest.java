package io.stagingcanary.seeding;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.fixtures.KindSpec;
import io.stagingcanary.fixtures.SentinelSet;
import io.stagingcanary.store.LedgerEntry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ownership of the namespace before every namespaced write, on the fabric8 CRUD mock server: a
 * sentinel goes only into a sentinel namespace whose live uid the ledger records (labelled, not
 * terminating) or into a namespace its set lists as external, never into a system namespace. A
 * refused write names the namespace, its uid and why, and sends nothing.
 */
@EnableKubernetesMockClient(crud = true)
class NamespaceGuardTest {

  static final String CLUSTER = "cluster-1";
  static final KindSpec CONFIG_MAP = new KindSpec("v1", "ConfigMap", "configmaps", true);

  KubernetesClient client;
  InMemoryLedger ledger;
  GuardedMutations guard;

  @BeforeEach
  void setUp() {
    ledger = new InMemoryLedger();
    guard = new GuardedMutations(client, ledger);
  }

  @Test
  void writesIntoASentinelNamespaceTheLedgerOwns() {
    SentinelNamespaces.createOwned(client, ledger, CLUSTER, "sandbox", "canary-acme");

    assertThat(guard.create(CLUSTER, CONFIG_MAP, key("canary-acme"), desired("canary-acme")))
        .isInstanceOf(MutationResult.Done.class);
  }

  @Test
  void refusesANamespaceThatIsNotInTheLedgerAndWritesNothing() {
    Namespace team = SentinelNamespaces.createForeign(client, "team-payments", false);
    ConfigMap precious = foreignConfigMap("team-payments");
    Map<String, String> before = everything("team-payments");

    MutationResult result =
        guard.create(CLUSTER, CONFIG_MAP, key("team-payments"), desired("team-payments"));

    assertNamespaceRefusal(
        result,
        "namespace team-payments (uid " + team.getMetadata().getUid() + ")",
        "neither a sentinel namespace in the ledger nor listed in the set's externalNamespaces");
    assertThat(everything("team-payments")).isEqualTo(before).containsKey(id(precious));
  }

  @Test
  void refusesASentinelNamespaceReplacedByAForeignOneWithOrWithoutAForgedLabel() {
    Namespace ours =
        SentinelNamespaces.createOwned(client, ledger, CLUSTER, "sandbox", "canary-acme");
    for (boolean forged : List.of(false, true)) {
      client.namespaces().withName("canary-acme").delete();
      Namespace foreign = SentinelNamespaces.createForeign(client, "canary-acme", forged);
      Map<String, String> before = everything("canary-acme");

      MutationResult result =
          guard.create(CLUSTER, CONFIG_MAP, key("canary-acme"), desired("canary-acme"));

      assertNamespaceRefusal(
          result,
          "namespace canary-acme (uid " + foreign.getMetadata().getUid() + ")",
          "ledger uid " + ours.getMetadata().getUid(),
          "replaced by someone else's");
      assertThat(everything("canary-acme")).as("forged label: %s", forged).isEqualTo(before);
    }
  }

  @Test
  void refusesANamespaceWhoseSentinelLabelWasStripped() {
    Namespace ours =
        SentinelNamespaces.createOwned(client, ledger, CLUSTER, "sandbox", "canary-acme");
    ours.getMetadata().getLabels().remove("stagingcanary.io/sentinel");
    client.namespaces().resource(ours).update();

    assertNamespaceRefusal(
        guard.create(CLUSTER, CONFIG_MAP, key("canary-acme"), desired("canary-acme")),
        "namespace canary-acme (uid " + ours.getMetadata().getUid() + ")",
        "does not carry stagingcanary.io/sentinel=true");
    assertThat(everything("canary-acme")).isEmpty();
  }

  @Test
  void refusesATerminatingOrAbsentNamespace() {
    Namespace terminating =
        client
            .namespaces()
            .resource(
                new NamespaceBuilder()
                    .withNewMetadata()
                    .withName("canary-acme")
                    .addToLabels("stagingcanary.io/sentinel", "true")
                    .endMetadata()
                    .withNewStatus()
                    .withPhase("Terminating")
                    .endStatus()
                    .build())
            .create();
    SentinelNamespaces.record(
        ledger, CLUSTER, "sandbox", "canary-acme", terminating.getMetadata().getUid());

    assertNamespaceRefusal(
        guard.create(CLUSTER, CONFIG_MAP, key("canary-acme"), desired("canary-acme")),
        "namespace canary-acme (uid " + terminating.getMetadata().getUid() + ") is terminating");
    assertNamespaceRefusal(
        guard.create(CLUSTER, CONFIG_MAP, key("canary-gone"), desired("canary-gone")),
        "namespace canary-gone does not exist");
    assertThat(everything("canary-acme")).isEmpty();
    assertThat(everything("canary-gone")).isEmpty();
  }

  @Test
  void neverWritesIntoASystemNamespaceEvenIfLabelledRecordedAndListedAsExternal() {
    GuardedMutations lenient =
        new GuardedMutations(
            client, ledger, List.of(set("sandbox", Set.of("kube-system", "default"))));
    for (String system : List.of("kube-system", "default", "openshift-config")) {
      Namespace namespace =
          SentinelNamespaces.createOwned(client, ledger, CLUSTER, "sandbox", system);
      Map<String, String> before = everything(system);

      assertNamespaceRefusal(
          lenient.create(CLUSTER, CONFIG_MAP, key(system), desired(system)),
          "namespace " + system + " is refused",
          "system namespace");
      assertThat(everything(system)).isEqualTo(before);
      assertThat(namespace).isNotNull();
    }
  }

  @Test
  void writesIntoAnExternalNamespaceOnlyForTheSetThatListsItAndOnlyIfItExists() {
    GuardedMutations withShared =
        new GuardedMutations(
            client,
            ledger,
            List.of(set("sandbox", Set.of("shared-tools")), set("other", Set.of())));

    assertNamespaceRefusal(
        withShared.create(CLUSTER, CONFIG_MAP, key("shared-tools"), desired("shared-tools")),
        "namespace shared-tools does not exist");

    SentinelNamespaces.createForeign(client, "shared-tools", false);
    Map<String, Object> otherSet = desired("shared-tools");
    labels(otherSet).put("stagingcanary.io/set", "other");
    assertNamespaceRefusal(
        withShared.create(CLUSTER, CONFIG_MAP, key("shared-tools"), otherSet),
        "nor listed in the set's externalNamespaces");
    assertThat(everything("shared-tools")).isEmpty();

    assertThat(withShared.create(CLUSTER, CONFIG_MAP, key("shared-tools"), desired("shared-tools")))
        .isInstanceOf(MutationResult.Done.class);
    assertThat(everything("shared-tools")).hasSize(1);
  }

  @Test
  void refusesToUpdateAnOwnedObjectWhoseNamespaceIsNoLongerTheCanarys() {
    Namespace ours =
        SentinelNamespaces.createOwned(client, ledger, CLUSTER, "sandbox", "canary-acme");
    MutationResult.Done created =
        (MutationResult.Done)
            guard.create(CLUSTER, CONFIG_MAP, key("canary-acme"), desired("canary-acme"));
    ledger.save(
        LedgerEntry.builder()
            .clusterId(CLUSTER)
            .key(key("canary-acme"))
            .owner("sandbox", "acme")
            .server(created.uid(), created.resourceVersion())
            .content("f", "{}")
            .seededAt(Instant.now())
            .build());
    // The ledger now names another namespace uid: the live one is not the canary's.
    SentinelNamespaces.record(ledger, CLUSTER, "sandbox", "canary-acme", "uid-of-an-older-one");
    Map<String, String> before = everything("canary-acme");

    assertNamespaceRefusal(
        guard.update(CLUSTER, CONFIG_MAP, key("canary-acme"), desired("canary-acme")),
        "namespace canary-acme (uid " + ours.getMetadata().getUid() + ")",
        "replaced");
    assertThat(everything("canary-acme")).isEqualTo(before);
  }

  private static void assertNamespaceRefusal(MutationResult result, String... fragments) {
    assertThat(result)
        .isInstanceOfSatisfying(
            MutationResult.Refused.class,
            r -> {
              assertThat(r.target()).isEqualTo(MutationResult.Target.NAMESPACE);
              assertThat(r.reason()).contains(fragments);
            });
  }

  /** uid@resourceVersion of every ConfigMap in the namespace, by name. */
  private Map<String, String> everything(String namespace) {
    Map<String, String> all = new TreeMap<>();
    for (HasMetadata item : client.configMaps().inNamespace(namespace).list().getItems()) {
      all.put(
          id(item), item.getMetadata().getUid() + "@" + item.getMetadata().getResourceVersion());
    }
    return all;
  }

  private static String id(HasMetadata item) {
    return item.getKind() + "/" + item.getMetadata().getName();
  }

  private ConfigMap foreignConfigMap(String namespace) {
    return client
        .configMaps()
        .inNamespace(namespace)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("payments-config")
                .withNamespace(namespace)
                .endMetadata()
                .addToData("value", "precious")
                .build())
        .create();
  }

  private static SentinelSet set(String name, Set<String> external) {
    return new SentinelSet(name, "", List.of(CONFIG_MAP), List.of(), external);
  }

  private static ResourceKey key(String namespace) {
    return ResourceKey.namespaced("v1", "ConfigMap", namespace, "settings");
  }

  private static Map<String, Object> desired(String namespace) {
    Map<String, Object> manifest = GuardedMutationsTest.desired("ours");
    @SuppressWarnings("unchecked")
    Map<String, Object> metadata = (Map<String, Object>) manifest.get("metadata");
    metadata.put("namespace", namespace);
    return manifest;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> labels(Map<String, Object> manifest) {
    return (Map<String, Object>) ((Map<String, Object>) manifest.get("metadata")).get("labels");
  }
}
