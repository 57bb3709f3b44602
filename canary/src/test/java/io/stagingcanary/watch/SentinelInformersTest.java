package io.stagingcanary.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.fixtures.KindSpec;
import io.stagingcanary.sandbox.SandboxCluster;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Looking sentinels up in the informer caches by identity. */
class SentinelInformersTest {

  static final KindSpec NAMESPACE = new KindSpec("v1", "Namespace", "namespaces", false);
  static final KindSpec CONFIG_MAP = new KindSpec("v1", "ConfigMap", "configmaps", true);

  static SandboxCluster sandbox;
  static KubernetesClient client;
  static SentinelInformers informers;

  @BeforeAll
  static void start() {
    sandbox = SandboxCluster.start("127.0.0.1", 0, List.of());
    client = sandbox.newClient();
    for (String ns : List.of("a", "b")) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(ns)
                  .addToLabels("stagingcanary.io/sentinel", "true")
                  .endMetadata()
                  .build())
          .create();
      for (String name : List.of("one", "two")) {
        client
            .configMaps()
            .inNamespace(ns)
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(ns)
                    .addToLabels("stagingcanary.io/sentinel", "true")
                    .endMetadata()
                    .build())
            .create();
      }
    }
    informers = new SentinelInformers(client, Clock.systemUTC());
    informers.start(List.of(NAMESPACE, CONFIG_MAP), (key, seenAt) -> {});
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> informers.healthy(NAMESPACE) && informers.healthy(CONFIG_MAP));
  }

  @AfterAll
  static void stop() {
    informers.close();
    client.close();
    sandbox.close();
  }

  @Test
  void findsOnlyTheRequestedIdentitiesOfTheKind() {
    List<ResourceKey> keys =
        List.of(
            new ResourceKey("v1", "ConfigMap", "b", "one"),
            new ResourceKey("v1", "ConfigMap", "b", "gone"),
            new ResourceKey("v1", "Namespace", null, "a"));

    List<GenericKubernetesResource> configMaps = informers.cached(CONFIG_MAP, keys);
    List<GenericKubernetesResource> namespaces = informers.cached(NAMESPACE, keys);

    assertThat(configMaps)
        .extracting(o -> o.getMetadata().getNamespace() + "/" + o.getMetadata().getName())
        .containsExactly("b/one");
    assertThat(namespaces).extracting(o -> o.getMetadata().getName()).containsExactly("a");
    assertThat(informers.cached(CONFIG_MAP)).hasSize(4);
  }
}
