package io.stagingcanary.seeding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.controlplane.ControlPlane;
import io.stagingcanary.controlplane.RealControlPlane;
import io.stagingcanary.controlplane.TestSentinelSets;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.fixtures.KindSpec;
import io.stagingcanary.fixtures.SentinelLabels;
import io.stagingcanary.store.LedgerEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The guarded mutation path against a real API server: the uid and resourceVersion preconditions
 * make the server refuse writes to an object replaced or changed after the guard read it, and a
 * same-named object the canary does not own is never touched.
 */
@RealControlPlane
class GuardedMutationsIT {

  private static final String CLUSTER = "guarded-it";
  private static final KindSpec CONFIG_MAP = TestSentinelSets.CONFIG_MAP;
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final KubernetesClient client;
  private String ns;
  private ResourceKey key;
  private InMemoryLedger ledger;
  private GuardedMutations guard;

  GuardedMutationsIT(KubernetesClient client) {
    this.client = client;
  }

  @BeforeEach
  void setUp() {
    ns = ControlPlane.uniqueName("guarded");
    ledger = new InMemoryLedger();
    SentinelNamespaces.createOwned(client, ledger, CLUSTER, "guarded", ns);
    key = ResourceKey.namespaced("v1", "ConfigMap", ns, "settings");
    guard = new GuardedMutations(client, ledger);
  }

  @AfterEach
  void deleteNamespace() {
    client.namespaces().withName(ns).delete();
  }

  @Test
  void createsUpdatesAndDeletesAnOwnedSentinel() {
    MutationResult.Done created = done(guard.create(CLUSTER, CONFIG_MAP, key, desired("v1")));
    own(created.uid());
    assertThat(live().getMetadata().getUid()).isEqualTo(created.uid());

    MutationResult.Done updated = done(guard.update(CLUSTER, CONFIG_MAP, key, desired("v2")));
    assertThat(updated.uid()).isEqualTo(created.uid());
    assertThat(live().getData()).containsEntry("value", "v2");
    assertThat(live().getMetadata().getResourceVersion()).isEqualTo(updated.resourceVersion());

    done(guard.delete(CLUSTER, CONFIG_MAP, key));
    await("sentinel deleted").atMost(TIMEOUT).until(() -> live() == null);
  }

  @Test
  void updateOfASentinelChangedBetweenReadAndWriteIsRefusedByTheServer() {
    own(done(guard.create(CLUSTER, CONFIG_MAP, key, desired("v1"))).uid());
    guard.setBetweenReadAndWrite(k -> annotateAsSomeoneElse());

    MutationResult result = guard.update(CLUSTER, CONFIG_MAP, key, desired("v2"));

    assertThat(result)
        .isInstanceOfSatisfying(
            MutationResult.Refused.class,
            r -> assertThat(r.reason()).contains("refused the update"));
    assertThat(live().getData())
        .as("the other writer's state is kept")
        .containsEntry("value", "v1");
    assertThat(live().getMetadata().getAnnotations()).containsEntry("someone", "else");
  }

  @Test
  void deleteOfASentinelChangedBetweenReadAndWriteIsRefusedByTheServer() {
    own(done(guard.create(CLUSTER, CONFIG_MAP, key, desired("v1"))).uid());
    guard.setBetweenReadAndWrite(k -> annotateAsSomeoneElse());

    MutationResult result = guard.delete(CLUSTER, CONFIG_MAP, key);

    assertThat(result)
        .isInstanceOfSatisfying(
            MutationResult.Refused.class, r -> assertThat(r.reason()).contains("HTTP 409"));
    assertThat(live()).as("still there").isNotNull();
    assertThat(live().getMetadata().getAnnotations()).containsEntry("someone", "else");
  }

  @Test
  void deleteOfASentinelReplacedBetweenReadAndWriteIsRefusedAndTheReplacementSurvives() {
    String ours = done(guard.create(CLUSTER, CONFIG_MAP, key, desired("v1"))).uid();
    own(ours);
    ConfigMap[] replacement = new ConfigMap[1];
    guard.setBetweenReadAndWrite(k -> replacement[0] = replace());

    MutationResult result = guard.delete(CLUSTER, CONFIG_MAP, key);

    assertThat(result).isInstanceOf(MutationResult.Refused.class);
    ConfigMap live = live();
    assertThat(live.getMetadata().getUid())
        .isEqualTo(replacement[0].getMetadata().getUid())
        .isNotEqualTo(ours);
    assertThat(live.getMetadata().getResourceVersion())
        .isEqualTo(replacement[0].getMetadata().getResourceVersion());
  }

  @Test
  void updateOfASentinelReplacedBetweenReadAndWriteIsRefusedAndTheReplacementSurvives() {
    own(done(guard.create(CLUSTER, CONFIG_MAP, key, desired("v1"))).uid());
    ConfigMap[] replacement = new ConfigMap[1];
    guard.setBetweenReadAndWrite(k -> replacement[0] = replace());

    MutationResult result = guard.update(CLUSTER, CONFIG_MAP, key, desired("v2"));

    assertThat(result).isInstanceOf(MutationResult.Refused.class);
    assertThat(live().getMetadata().getResourceVersion())
        .isEqualTo(replacement[0].getMetadata().getResourceVersion());
    assertThat(live().getData()).containsEntry("value", "replacement");
  }

  @Test
  void aReplacedSentinelIsRecognisedBeforeAnyWrite() {
    String ours = done(guard.create(CLUSTER, CONFIG_MAP, key, desired("v1"))).uid();
    own(ours);
    ConfigMap replacement = replace();

    assertThat(guard.update(CLUSTER, CONFIG_MAP, key, desired("v2")))
        .isInstanceOfSatisfying(
            MutationResult.Refused.class, r -> assertThat(r.reason()).contains("was replaced"));
    assertThat(guard.delete(CLUSTER, CONFIG_MAP, key))
        .isInstanceOfSatisfying(
            MutationResult.Refused.class, r -> assertThat(r.reason()).contains("was replaced"));
    assertThat(live().getMetadata().getResourceVersion())
        .isEqualTo(replacement.getMetadata().getResourceVersion());
  }

  @Test
  void aSameNamedForeignObjectIsNeverTouched() {
    ConfigMap foreign = createForeign(false);

    assertThat(guard.create(CLUSTER, CONFIG_MAP, key, desired("ours")))
        .isInstanceOf(MutationResult.Refused.class);
    assertThat(guard.update(CLUSTER, CONFIG_MAP, key, desired("ours")))
        .isInstanceOfSatisfying(
            MutationResult.Refused.class,
            r -> assertThat(r.reason()).contains("not in the ledger"));
    assertThat(guard.delete(CLUSTER, CONFIG_MAP, key))
        .isInstanceOfSatisfying(
            MutationResult.Refused.class,
            r -> assertThat(r.reason()).contains("not in the ledger"));
    // Even a ledger entry naming its uid does not make an unlabelled object ours.
    own(foreign.getMetadata().getUid());
    assertThat(guard.delete(CLUSTER, CONFIG_MAP, key))
        .isInstanceOfSatisfying(
            MutationResult.Refused.class, r -> assertThat(r.reason()).contains("not ours"));

    assertThat(live().getMetadata().getResourceVersion())
        .isEqualTo(foreign.getMetadata().getResourceVersion());
  }

  @Test
  void createIsRefusedWhenAForeignObjectAppearsBetweenReadAndWrite() {
    ConfigMap[] foreign = new ConfigMap[1];
    guard.setBetweenReadAndWrite(k -> foreign[0] = createForeign(true));

    assertThat(guard.create(CLUSTER, CONFIG_MAP, key, desired("ours")))
        .isInstanceOf(MutationResult.Refused.class);
    assertThat(live().getMetadata().getUid()).isEqualTo(foreign[0].getMetadata().getUid());
    assertThat(live().getMetadata().getResourceVersion())
        .isEqualTo(foreign[0].getMetadata().getResourceVersion());
  }

  private Map<String, Object> desired(String value) {
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put(SentinelLabels.SENTINEL, "true");
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", key.name());
    metadata.put("namespace", ns);
    metadata.put("labels", labels);
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("apiVersion", "v1");
    manifest.put("kind", "ConfigMap");
    manifest.put("metadata", metadata);
    manifest.put("data", Map.of("value", value));
    return manifest;
  }

  private void own(String uid) {
    ledger.save(
        LedgerEntry.builder()
            .clusterId(CLUSTER)
            .key(key)
            .owner("guarded", "acme")
            .server(uid, "0")
            .content("f", "{}")
            .seededAt(Instant.now())
            .build());
  }

  private ConfigMap live() {
    return client.configMaps().inNamespace(ns).withName(key.name()).get();
  }

  private void annotateAsSomeoneElse() {
    client
        .configMaps()
        .inNamespace(ns)
        .withName(key.name())
        .edit(
            c ->
                new ConfigMapBuilder(c)
                    .editMetadata()
                    .addToAnnotations("someone", "else")
                    .endMetadata()
                    .build());
  }

  /** Someone deletes the sentinel and creates a same-named, equally labelled object. */
  private ConfigMap replace() {
    client.configMaps().inNamespace(ns).withName(key.name()).withGracePeriod(0).delete();
    await("old object gone").atMost(TIMEOUT).until(() -> live() == null);
    return client
        .configMaps()
        .inNamespace(ns)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(key.name())
                .addToLabels(SentinelLabels.SENTINEL, "true")
                .endMetadata()
                .addToData("value", "replacement")
                .build())
        .create();
  }

  private ConfigMap createForeign(boolean labelled) {
    ConfigMapBuilder foreign =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(key.name())
            .addToLabels("owner", "someone-else")
            .endMetadata()
            .addToData("value", "foreign");
    if (labelled) {
      foreign.editMetadata().addToLabels(SentinelLabels.SENTINEL, "true").endMetadata();
    }
    return client.configMaps().inNamespace(ns).resource(foreign.build()).create();
  }

  private static MutationResult.Done done(MutationResult result) {
    assertThat(result).isInstanceOf(MutationResult.Done.class);
    return (MutationResult.Done) result;
  }
}
