package io.stagingcanary.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapListBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.stagingcanary.fixtures.KindSpec;
import org.junit.jupiter.api.Test;

/** A LIST whose continue token expires between pages starts over instead of coming back short. */
@EnableKubernetesMockClient
class ClusterReaderTest {

  static final KindSpec CONFIG_MAP = new KindSpec("v1", "ConfigMap", "configmaps", true);
  static final String FIRST_PAGE =
      "/api/v1/configmaps?labelSelector=stagingcanary.io%2Fsentinel%3Dtrue&limit=1";
  static final String SECOND_PAGE =
      "/api/v1/configmaps?continue=token-1&labelSelector=stagingcanary.io%2Fsentinel%3Dtrue&limit=1";

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void anExpiredContinueTokenRestartsTheListing() {
    server.expect().get().withPath(FIRST_PAGE).andReturn(200, page("a", "token-1")).times(2);
    server
        .expect()
        .get()
        .withPath(SECOND_PAGE)
        .andReturn(
            410,
            new StatusBuilder()
                .withCode(410)
                .withReason("Expired")
                .withMessage("The provided continue parameter is too old")
                .build())
        .once();
    server.expect().get().withPath(SECOND_PAGE).andReturn(200, page("b", null)).once();

    ClusterReader.Listing<GenericKubernetesResource> listing =
        new ClusterReader(client).list(CONFIG_MAP, "stagingcanary.io/sentinel=true", 1);

    assertThat(listing.items())
        .extracting(item -> item.getMetadata().getName())
        .containsExactly("a", "b");
  }

  private static Object page(String name, String continueToken) {
    return new ConfigMapListBuilder()
        .withNewMetadata()
        .withContinue(continueToken)
        .endMetadata()
        .addToItems(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("canary-acme")
                .endMetadata()
                .build())
        .build();
  }
}
