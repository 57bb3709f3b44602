package io.stagingcanary.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.fixtures.KindSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox answers discovery like a real API server, so a stock kubectl works against it. */
class SandboxClusterTest {

  static SandboxCluster sandbox;
  static KubernetesClient client;
  static Path kubeconfig;
  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    sandbox =
        SandboxCluster.start(
            "127.0.0.1",
            0,
            List.of(new KindSpec("project.openshift.io/v1", "Project", "projects", false)));
    client = sandbox.newClient();
    kubeconfig = sandbox.writeKubeconfig(dir.resolve("kubeconfig"));
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("canary-acme")
                .addToLabels("stagingcanary.io/sentinel", "true")
                .endMetadata()
                .build())
        .create();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("other").endMetadata().build())
        .create();
    client
        .configMaps()
        .inNamespace("canary-acme")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("settings")
                .withNamespace("canary-acme")
                .endMetadata()
                .build())
        .create();
    client
        .persistentVolumeClaims()
        .inNamespace("canary-acme")
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName("data")
                .withNamespace("canary-acme")
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withNewResources()
                .addToRequests("storage", new Quantity("1Mi"))
                .endResources()
                .endSpec()
                .build())
        .create();
  }

  @AfterAll
  static void stop() {
    client.close();
    sandbox.close();
  }

  @Test
  void isANewClusterAtEveryStart() {
    // The mock server's own uids come from a counter and repeat at every start of a JVM, so the
    // sandbox's identity must be random (a version 4 UUID), not derived from kube-system.
    assertThat(sandbox.clusterId()).startsWith("sandbox-");
    assertThat(UUID.fromString(sandbox.clusterId().substring("sandbox-".length())).version())
        .isEqualTo(4);
    try (SandboxCluster other = SandboxCluster.start("127.0.0.1", 0, List.of())) {
      assertThat(other.clusterId()).isNotEqualTo(sandbox.clusterId());
    }
    assertThat(client.namespaces().withName("kube-system").get()).isNotNull();
  }

  @Test
  void answersDiscoveryLikeARealServer() throws Exception {
    assertThat(get("/api")).contains("\"APIVersions\"").contains("\"v1\"");
    assertThat(get("/apis")).contains("\"APIGroupList\"").contains("project.openshift.io");
    assertThat(get("/api/v1"))
        .contains("\"APIResourceList\"")
        .contains("\"persistentvolumeclaims\"")
        .contains("\"pvc\"");
    assertThat(get("/apis/project.openshift.io/v1")).contains("\"Project\"");
    assertThat(get("/version")).contains("\"gitVersion\"");
  }

  @Test
  void stockKubectlListsByLabelAndAcrossNamespacesAndDeletesANamespaceWithItsContents()
      throws Exception {
    Optional<Kubectl> found = Kubectl.find(kubeconfig);
    assumeTrue(found.isPresent(), "no kubectl binary found (KUBECTL, control-plane cache, PATH)");
    Kubectl kubectl = found.get();

    Kubectl.Result namespaces =
        kubectl.run("get", "ns", "-l", "stagingcanary.io/sentinel=true", "-o", "name");
    assertThat(namespaces.exitCode()).as(namespaces.output()).isZero();
    assertThat(namespaces.output()).contains("namespace/canary-acme").doesNotContain("other");

    Kubectl.Result claims = kubectl.run("get", "pvc", "-A", "-o", "name");
    assertThat(claims.exitCode()).as(claims.output()).isZero();
    assertThat(claims.output()).contains("persistentvolumeclaim/data");

    Kubectl.Result deleted = kubectl.run("delete", "ns", "canary-acme", "--timeout=30s");
    assertThat(deleted.exitCode()).as(deleted.output()).isZero();
    assertThat(client.namespaces().withName("canary-acme").get()).isNull();
    assertThat(client.configMaps().inNamespace("canary-acme").list().getItems()).isEmpty();
    assertThat(client.persistentVolumeClaims().inNamespace("canary-acme").list().getItems())
        .isEmpty();
    assertThat(client.namespaces().withName("other").get()).isNotNull();
  }

  private static String get(String path) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(sandbox.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    return response.body();
  }
}
