package io.stagingcanary.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.diff.Diff;
import io.stagingcanary.diff.ExpectedSentinel;
import io.stagingcanary.diff.FieldChange;
import io.stagingcanary.diff.ObservedState;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelStatus;
import io.stagingcanary.diff.Snapshot;
import io.stagingcanary.fixtures.KindSpec;
import io.stagingcanary.inventory.ObjectMaps;
import io.stagingcanary.sandbox.SandboxCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The informer caches keep only what the diff reads, and the diff still sees every change through
 * them: a Secret's or ConfigMap's data, a label, a deletion.
 */
class RetainedCacheTest {

  static final KindSpec CONFIG_MAP = new KindSpec("v1", "ConfigMap", "configmaps", true);
  static final KindSpec SECRET = new KindSpec("v1", "Secret", "secrets", true);
  static final String NS = "retained";
  static final Map<String, String> LABELS =
      Map.of("stagingcanary.io/sentinel", "true", "stagingcanary.io/tenant", "acme");

  static SandboxCluster sandbox;
  static KubernetesClient client;
  static SentinelInformers informers;

  @BeforeAll
  static void start() {
    sandbox = SandboxCluster.start("127.0.0.1", 0, List.of());
    client = sandbox.newClient();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    informers = new SentinelInformers(client, Clock.systemUTC());
    informers.start(List.of(CONFIG_MAP, SECRET), (key, seenAt) -> {});
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> informers.healthy(CONFIG_MAP) && informers.healthy(SECRET));
  }

  @AfterAll
  static void stop() {
    informers.close();
    client.close();
    sandbox.close();
  }

  @Test
  void theCacheHoldsNoManagedFieldsOwnersOrServerAnnotations() {
    client
        .configMaps()
        .inNamespace(NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("heavy")
                .withNamespace(NS)
                .withLabels(LABELS)
                .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{}")
                .addToAnnotations("team", "payments")
                .withManagedFields(
                    new ManagedFieldsEntryBuilder()
                        .withManager("kubectl")
                        .withOperation("Apply")
                        .build())
                .addNewOwnerReference()
                .withApiVersion("v1")
                .withKind("Namespace")
                .withName(NS)
                .withUid("owner-uid")
                .endOwnerReference()
                .endMetadata()
                .addToData("mode", "live")
                .build())
        .create();

    GenericKubernetesResource cached = awaitCached(CONFIG_MAP, "heavy", o -> true);

    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertThat(cached.getMetadata().getAnnotations()).isEqualTo(Map.of("team", "payments"));
    assertThat(cached.getMetadata().getUid()).isNotBlank();
    assertThat(cached.getMetadata().getResourceVersion()).isNotBlank();
    assertThat((Object) cached.get("data")).isEqualTo(Map.of("mode", "live"));
  }

  @Test
  void aChangedConfigMapValueIsSeenInTheCache() {
    ExpectedSentinel seeded = seedConfigMap("cm-data", "live");

    client
        .configMaps()
        .inNamespace(NS)
        .withName("cm-data")
        .edit(cm -> new ConfigMapBuilder(cm).addToData("mode", "changed").build());

    assertThat(changesOnceCached(seeded, CONFIG_MAP))
        .containsExactly(new FieldChange("data.mode", "live", "changed", "value changed"));
  }

  @Test
  void aChangedSecretValueIsSeenInTheCache() {
    Map<String, Object> manifest = manifest("Secret", "secret-data");
    manifest.put("type", "Opaque");
    manifest.put("data", Map.of("password", "czNjcmV0IQ=="));
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("secret-data")
                .withNamespace(NS)
                .withLabels(LABELS)
                .endMetadata()
                .withType("Opaque")
                .addToData("password", "czNjcmV0IQ==")
                .build())
        .create();
    ExpectedSentinel seeded = expected(manifest, SECRET, "secret-data");

    client
        .secrets()
        .inNamespace(NS)
        .withName("secret-data")
        .edit(s -> new SecretBuilder(s).addToData("password", "b3RoZXI=").build());

    assertThat(changesOnceCached(seeded, SECRET))
        .containsExactly(
            new FieldChange("data.password", "<redacted>", "<redacted>", "value changed"));
  }

  @Test
  void aChangedLabelIsSeenInTheCache() {
    ExpectedSentinel seeded = seedConfigMap("cm-label", "live");

    client
        .configMaps()
        .inNamespace(NS)
        .withName("cm-label")
        .edit(
            cm ->
                new ConfigMapBuilder(cm)
                    .editMetadata()
                    .addToLabels("stagingcanary.io/tenant", "other")
                    .endMetadata()
                    .build());

    assertThat(changesOnceCached(seeded, CONFIG_MAP))
        .extracting(FieldChange::path)
        .containsExactly("metadata.labels[\"stagingcanary.io/tenant\"]");
  }

  @Test
  void aDeletedObjectLeavesTheCacheAndIsMissing() {
    ExpectedSentinel seeded = seedConfigMap("cm-gone", "live");

    client.configMaps().inNamespace(NS).withName("cm-gone").delete();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> informers.cached(CONFIG_MAP, List.of(seeded.key())).isEmpty());
    assertThat(judge(seeded, CONFIG_MAP)).isInstanceOf(SentinelStatus.Missing.class);
  }

  private static ExpectedSentinel seedConfigMap(String name, String mode) {
    Map<String, Object> manifest = manifest("ConfigMap", name);
    manifest.put("data", Map.of("mode", mode));
    client
        .configMaps()
        .inNamespace(NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .withLabels(LABELS)
                .endMetadata()
                .addToData("mode", mode)
                .build())
        .create();
    return expected(manifest, CONFIG_MAP, name);
  }

  private static ExpectedSentinel expected(
      Map<String, Object> manifest, KindSpec kind, String name) {
    GenericKubernetesResource live = awaitCached(kind, name, o -> true);
    return ExpectedSentinel.of("set", "acme", live.getMetadata().getUid(), manifest);
  }

  private static Map<String, Object> manifest(String kind, String name) {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("apiVersion", "v1");
    manifest.put("kind", kind);
    manifest.put("metadata", Map.of("name", name, "namespace", NS, "labels", LABELS));
    return manifest;
  }

  /** The changes the diff finds once the cache holds a newer version than the seeded one. */
  private static List<FieldChange> changesOnceCached(ExpectedSentinel seeded, KindSpec kind) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> judge(seeded, kind) instanceof SentinelStatus.Modified);
    return ((SentinelStatus.Modified) judge(seeded, kind)).changes();
  }

  private static SentinelStatus judge(ExpectedSentinel seeded, KindSpec kind) {
    List<ObservedState> observed =
        informers.cached(kind, List.of(seeded.key())).stream().map(ObjectMaps::observe).toList();
    Snapshot snapshot =
        Snapshot.of(
            Instant.now(), observed, Set.of(kind.apiVersion() + "/" + kind.kind()), Map.of());
    return Diff.compare(List.of(seeded), snapshot).results().get(0).status();
  }

  private static GenericKubernetesResource awaitCached(
      KindSpec kind, String name, Predicate<GenericKubernetesResource> condition) {
    ResourceKey key = new ResourceKey(kind.apiVersion(), kind.kind(), NS, name);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> informers.cached(kind, List.of(key)).stream().anyMatch(condition));
    return informers.cached(kind, List.of(key)).get(0);
  }
}
