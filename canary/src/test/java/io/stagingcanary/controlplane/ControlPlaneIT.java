package io.stagingcanary.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

/** The harness itself: real authentication and authorization, and an API-server restart. */
@RealControlPlane
class ControlPlaneIT {

  @Test
  void adminTokenIsASystemMaster(KubernetesClient client) {
    SelfSubjectReview review = client.resource(new SelfSubjectReviewBuilder().build()).create();

    assertThat(review.getStatus().getUserInfo().getUsername()).isEqualTo(ControlPlane.ADMIN_USER);
    assertThat(review.getStatus().getUserInfo().getGroups()).contains("system:masters");
  }

  @Test
  void requestsWithoutTheAdminTokenAreNotAdmin(ControlPlane controlPlane) {
    try (KubernetesClient anonymous =
        new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder(controlPlane.config()).withOauthToken(null).build())
            .build()) {
      assertThatThrownBy(() -> anonymous.namespaces().list())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }
  }

  @Test
  void serviceAccountTokensAreSignedAndAuthorizedByRbac(
      ControlPlane controlPlane, KubernetesClient client) {
    TokenRequest token =
        client
            .serviceAccounts()
            .inNamespace("default")
            .withName("default")
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(600L)
                    .endSpec()
                    .build());

    try (KubernetesClient serviceAccount =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(controlPlane.config())
                    .withOauthToken(token.getStatus().getToken())
                    .build())
            .build()) {
      SelfSubjectReview review =
          serviceAccount.resource(new SelfSubjectReviewBuilder().build()).create();
      assertThat(review.getStatus().getUserInfo().getUsername())
          .isEqualTo("system:serviceaccount:default:default");
      assertThatThrownBy(() -> serviceAccount.namespaces().list())
          .as("RBAC grants a service account nothing by default")
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }
  }

  @Test
  void apiServerRestartKeepsAddressCertificatesAndData(ControlPlane controlPlane) {
    String name = ControlPlane.uniqueName("restart");
    // No request retries: a request during the outage must fail instead of waiting it out.
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(controlPlane.config()).withRequestRetryBackoffLimit(0).build())
            .build()) {
      ConfigMap before =
          client
              .configMaps()
              .inNamespace("default")
              .resource(
                  new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().build())
              .create();

      controlPlane.stopApiServer();
      try {
        assertThat(controlPlane.isApiServerRunning()).isFalse();
        assertThatThrownBy(() -> client.configMaps().inNamespace("default").withName(name).get())
            .isInstanceOf(KubernetesClientException.class);
      } finally {
        controlPlane.startApiServer();
      }

      ConfigMap after = client.configMaps().inNamespace("default").withName(name).get();
      assertThat(after.getMetadata().getUid()).isEqualTo(before.getMetadata().getUid());
      client.configMaps().inNamespace("default").withName(name).delete();
    }
  }
}
