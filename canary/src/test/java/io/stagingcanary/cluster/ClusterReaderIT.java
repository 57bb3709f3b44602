package io.stagingcanary.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.controlplane.ControlPlane;
import io.stagingcanary.controlplane.RealControlPlane;
import io.stagingcanary.controlplane.TestSentinelSets;
import io.stagingcanary.fixtures.SentinelLabels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The agent's paginated, label-selected listing against a real API server. */
@RealControlPlane
class ClusterReaderIT {

  private static final int SENTINELS_PER_NAMESPACE = 9;

  private final KubernetesClient client;
  private final ClusterReader reader;
  private final List<String> namespaces = new ArrayList<>();
  private String set;

  ClusterReaderIT(KubernetesClient client) {
    this.client = client;
    this.reader = new ClusterReader(client);
  }

  @BeforeEach
  void setUp() {
    set = ControlPlane.uniqueName("paging");
  }

  @AfterEach
  void deleteNamespaces() {
    namespaces.forEach(ns -> client.namespaces().withName(ns).delete());
  }

  @Test
  void smallPagesStillSeeEverySentinelOnceAcrossNamespaces() {
    List<String> expected = new ArrayList<>();
    for (int n = 0; n < 3; n++) {
      String ns = namespace(set + "-" + n, true);
      for (int i = 0; i < SENTINELS_PER_NAMESPACE; i++) {
        configMap(ns, "sentinel-" + i, true);
        expected.add(ns + "/sentinel-" + i);
        // Interleaved noise the selector must skip, also between pages.
        configMap(ns, "noise-" + i, false);
      }
    }
    String selector = SentinelLabels.SELECTOR + "," + SentinelLabels.SET + "=" + set;

    ClusterReader.Listing<GenericKubernetesResource> paged =
        reader.list(TestSentinelSets.CONFIG_MAP, selector, 4);
    ClusterReader.Listing<GenericKubernetesResource> whole =
        reader.list(TestSentinelSets.CONFIG_MAP, selector, ClusterReader.DEFAULT_PAGE_SIZE);

    assertThat(names(paged.items())).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(paged.requests())
        .as("27 sentinels in pages of 4 need at least 7 requests")
        .isGreaterThanOrEqualTo(7);
    assertThat(names(whole.items())).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(whole.requests()).isEqualTo(1);
  }

  @Test
  void smallPagesSeeEveryClusterScopedSentinel() {
    List<String> expected = new ArrayList<>();
    for (int n = 0; n < 7; n++) {
      expected.add(namespace(set + "-" + n, true));
      namespace(set + "-noise-" + n, false);
    }
    String selector = SentinelLabels.SELECTOR + "," + SentinelLabels.SET + "=" + set;

    ClusterReader.Listing<GenericKubernetesResource> paged =
        reader.list(TestSentinelSets.NAMESPACE, selector, 2);

    assertThat(paged.items())
        .extracting(r -> r.getMetadata().getName())
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(paged.requests()).isGreaterThanOrEqualTo(4);
  }

  @Test
  void clusterIdentityIsTheUidOfKubeSystem() {
    // The defaults the agent starts with, whatever properties are added later.
    CanaryProperties properties =
        new Binder(new MapConfigurationPropertySource(Map.of("canary.cluster-name", "it")))
            .bindOrCreate("canary", CanaryProperties.class);

    ClusterIdentity identity = ClusterIdentity.resolve(client, properties);

    assertThat(identity.id())
        .isEqualTo(client.namespaces().withName("kube-system").get().getMetadata().getUid());
    assertThat(identity.serverUrl()).startsWith("https://127.0.0.1:");
  }

  private String namespace(String name, boolean sentinel) {
    NamespaceBuilder namespace =
        new NamespaceBuilder().withNewMetadata().withName(name).endMetadata();
    if (sentinel) {
      namespace
          .editMetadata()
          .addToLabels(SentinelLabels.SENTINEL, "true")
          .addToLabels(SentinelLabels.SET, set)
          .endMetadata();
    }
    client.namespaces().resource(namespace.build()).create();
    namespaces.add(name);
    return name;
  }

  private void configMap(String ns, String name, boolean sentinel) {
    ConfigMapBuilder configMap =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(name)
            .addToLabels(SentinelLabels.SET, set)
            .endMetadata();
    if (sentinel) {
      configMap.editMetadata().addToLabels(SentinelLabels.SENTINEL, "true").endMetadata();
    }
    client.configMaps().inNamespace(ns).resource(configMap.build()).create();
  }

  private static List<String> names(List<GenericKubernetesResource> items) {
    return items.stream()
        .map(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName())
        .toList();
  }
}
