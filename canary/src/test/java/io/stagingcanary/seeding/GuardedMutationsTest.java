package io.stagingcanary.seeding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.fixtures.KindSpec;
import io.stagingcanary.store.LedgerEntry;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Strict ownership matching on the fabric8 CRUD mock server. The server-side preconditions
 * (uid/resourceVersion on update and delete) are proven against a real API server in {@code
 * GuardedMutationsIT}; the mock server ignores delete preconditions.
 */
@EnableKubernetesMockClient(crud = true)
class GuardedMutationsTest {

  static final String CLUSTER = "cluster-1";
  static final KindSpec CONFIG_MAP = new KindSpec("v1", "ConfigMap", "configmaps", true);
  static final ResourceKey KEY =
      ResourceKey.namespaced("v1", "ConfigMap", "canary-acme", "settings");

  KubernetesClient client;
  InMemoryLedger ledger;
  GuardedMutations guard;

  @BeforeEach
  void setUp() {
    ledger = new InMemoryLedger();
    guard = new GuardedMutations(client, ledger);
    SentinelNamespaces.createOwned(client, ledger, CLUSTER, "sandbox", "canary-acme");
  }

  @Test
  void createsAnAbsentSentinel() {
    MutationResult result = guard.create(CLUSTER, CONFIG_MAP, KEY, desired("v1"));

    assertThat(result).isInstanceOf(MutationResult.Done.class);
    ConfigMap live = liveConfigMap();
    assertThat(live.getData()).containsEntry("value", "v1");
    assertThat(((MutationResult.Done) result).uid()).isEqualTo(live.getMetadata().getUid());
  }

  @Test
  void refusesToCreateOverASameNamedForeignObjectAndLeavesItUntouched() {
    ConfigMap foreign = createForeign();

    MutationResult result = guard.create(CLUSTER, CONFIG_MAP, KEY, desired("ours"));

    assertThat(result).isInstanceOf(MutationResult.Refused.class);
    assertForeignUntouched(foreign);
  }

  @Test
  void refusesWhenAForeignObjectAppearsBetweenReadAndWrite() {
    ConfigMap[] foreign = new ConfigMap[1];
    guard.setBetweenReadAndWrite(key -> foreign[0] = createForeign());

    MutationResult result = guard.create(CLUSTER, CONFIG_MAP, KEY, desired("ours"));

    assertThat(result).isInstanceOf(MutationResult.Refused.class);
    assertForeignUntouched(foreign[0]);
  }

  @Test
  void refusesToUpdateOrDeleteAnObjectThatIsNotInTheLedger() {
    ConfigMap foreign = createForeign();

    assertThat(guard.update(CLUSTER, CONFIG_MAP, KEY, desired("ours")))
        .isInstanceOfSatisfying(
            MutationResult.Refused.class,
            r -> assertThat(r.reason()).contains("not in the ledger"));
    assertThat(guard.delete(CLUSTER, CONFIG_MAP, KEY)).isInstanceOf(MutationResult.Refused.class);
    assertForeignUntouched(foreign);
  }

  @Test
  void refusesAnObjectWithoutTheSentinelLabelEvenIfTheLedgerUidMatches() {
    ConfigMap foreign = createForeign();
    record(foreign.getMetadata().getUid());

    assertThat(guard.update(CLUSTER, CONFIG_MAP, KEY, desired("ours")))
        .isInstanceOfSatisfying(
            MutationResult.Refused.class,
            r -> assertThat(r.reason()).contains("stagingcanary.io/sentinel=true"));
    assertThat(guard.delete(CLUSTER, CONFIG_MAP, KEY)).isInstanceOf(MutationResult.Refused.class);
    assertForeignUntouched(foreign);
  }

  @Test
  void refusesALabelledObjectWhoseUidIsNotTheLedgers() {
    guard.create(CLUSTER, CONFIG_MAP, KEY, desired("ours"));
    String replacedUid = liveConfigMap().getMetadata().getUid();
    record("uid-of-the-object-we-seeded-before");

    assertThat(guard.update(CLUSTER, CONFIG_MAP, KEY, desired("changed")))
        .isInstanceOfSatisfying(
            MutationResult.Refused.class, r -> assertThat(r.reason()).contains("replaced"));
    assertThat(guard.delete(CLUSTER, CONFIG_MAP, KEY)).isInstanceOf(MutationResult.Refused.class);
    assertThat(liveConfigMap().getMetadata().getUid()).isEqualTo(replacedUid);
    assertThat(liveConfigMap().getData()).containsEntry("value", "ours");
  }

  @Test
  void updatesAndDeletesWhatItOwns() {
    MutationResult.Done created =
        (MutationResult.Done) guard.create(CLUSTER, CONFIG_MAP, KEY, desired("v1"));
    record(created.uid());

    assertThat(guard.update(CLUSTER, CONFIG_MAP, KEY, desired("v2")))
        .isInstanceOf(MutationResult.Done.class);
    assertThat(liveConfigMap().getData()).containsEntry("value", "v2");
    assertThat(liveConfigMap().getMetadata().getUid()).isEqualTo(created.uid());

    assertThat(guard.delete(CLUSTER, CONFIG_MAP, KEY)).isInstanceOf(MutationResult.Done.class);
    assertThat(client.configMaps().inNamespace("canary-acme").withName("settings").get()).isNull();
  }

  @Test
  void refusesToWriteAnythingThatIsNotLabelledAsASentinel() {
    Map<String, Object> unlabelled = desired("x");
    ((Map<?, ?>) unlabelled.get("metadata")).remove("labels");

    assertThatThrownBy(() -> guard.create(CLUSTER, CONFIG_MAP, KEY, unlabelled))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only writes sentinels");
    assertThat(client.configMaps().inNamespace("canary-acme").withName("settings").get()).isNull();
  }

  @Test
  void aReplicaThatIsNotTheLeaderWritesNothing() {
    MutationResult.Done created =
        (MutationResult.Done) guard.create(CLUSTER, CONFIG_MAP, KEY, desired("v1"));
    record(created.uid());
    boolean[] leads = {false};
    GuardedMutations follower =
        new GuardedMutations(
            client,
            ledger,
            new io.stagingcanary.leader.Leadership() {
              @Override
              public boolean isLeader() {
                return leads[0];
              }

              @Override
              public String identity() {
                return "replica-b";
              }
            });

    assertThatThrownBy(() -> follower.update(CLUSTER, CONFIG_MAP, KEY, desired("v2")))
        .isInstanceOf(io.stagingcanary.leader.NotLeaderException.class)
        .hasMessageContaining("replica-b")
        .hasMessageContaining("is not the leader");
    assertThatThrownBy(() -> follower.delete(CLUSTER, CONFIG_MAP, KEY))
        .isInstanceOf(io.stagingcanary.leader.NotLeaderException.class);
    assertThat(liveConfigMap().getData()).containsEntry("value", "v1");
    assertThat(liveConfigMap().getMetadata().getUid()).isEqualTo(created.uid());

    leads[0] = true;
    assertThat(follower.update(CLUSTER, CONFIG_MAP, KEY, desired("v2")))
        .isInstanceOf(MutationResult.Done.class);
    assertThat(liveConfigMap().getData()).containsEntry("value", "v2");
  }

  private ConfigMap createForeign() {
    return client
        .configMaps()
        .inNamespace("canary-acme")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("settings")
                .withNamespace("canary-acme")
                .addToLabels("owner", "a-real-tenant")
                .endMetadata()
                .addToData("value", "precious")
                .build())
        .create();
  }

  private void assertForeignUntouched(ConfigMap foreign) {
    ConfigMap live = liveConfigMap();
    assertThat(live.getMetadata().getUid()).isEqualTo(foreign.getMetadata().getUid());
    assertThat(live.getMetadata().getResourceVersion())
        .isEqualTo(foreign.getMetadata().getResourceVersion());
    assertThat(live.getData()).containsExactlyEntriesOf(Map.of("value", "precious"));
    assertThat(live.getMetadata().getLabels()).doesNotContainKey("stagingcanary.io/sentinel");
  }

  private ConfigMap liveConfigMap() {
    return client.configMaps().inNamespace("canary-acme").withName("settings").get();
  }

  private void record(String uid) {
    ledger.save(
        LedgerEntry.builder()
            .clusterId(CLUSTER)
            .key(KEY)
            .owner("sandbox", "acme")
            .server(uid, "1")
            .content("f", "{}")
            .seededAt(Instant.parse("2026-01-01T00:00:00Z"))
            .build());
  }

  static Map<String, Object> desired(String value) {
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put("stagingcanary.io/sentinel", "true");
    labels.put("stagingcanary.io/set", "sandbox");
    labels.put("stagingcanary.io/tenant", "acme");
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", "settings");
    metadata.put("namespace", "canary-acme");
    metadata.put("labels", labels);
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("apiVersion", "v1");
    manifest.put("kind", "ConfigMap");
    manifest.put("metadata", metadata);
    manifest.put("data", new LinkedHashMap<>(Map.of("value", value)));
    return manifest;
  }
}
