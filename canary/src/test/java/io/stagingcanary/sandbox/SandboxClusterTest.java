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
  void servesTheOpenApiV3IndexThatTellsKubectlTheServerValidatesFields() throws Exception {
    assertThat(get("/openapi/v3")).contains("\"api/v1\"").contains("/openapi/v3/api/v1?hash=");
    assertThat(get("/openapi/v3/api/v1"))
        .contains("/api/v1/namespaces/{namespace}/configmaps/{name}")
        .contains("\"fieldValidation\"")
        .contains("\"kind\":\"ConfigMap\"");
    assertThat(get("/openapi/v3/apis/project.openshift.io/v1")).contains("\"Project\"");
  }

  @Test
  void refusesWhatItCannotReadOrStreamAtOnceWithAStatusSayingWhy() throws Exception {
    // kubectl create deployment's envelope: a kind whose protobuf the sandbox does not read.
    HttpResponse<String> protobuf =
        send(
            HttpRequest.newBuilder(
                    URI.create(sandbox.url() + "/apis/apps/v1/namespaces/default/deployments"))
                .header("Content-Type", "application/vnd.kubernetes.protobuf")
                .POST(
                    HttpRequest.BodyPublishers.ofByteArray(
                        java.util.HexFormat.of()
                            .parseHex(
                                "6b3873000a150a07617070732f7631120a4465706c6f796d656e741200"))));
    assertThat(protobuf.statusCode()).isEqualTo(415);
    assertThat(protobuf.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(protobuf.body())
        .contains("\"kind\":\"Status\"")
        .contains("\"reason\":\"UnsupportedMediaType\"")
        .contains("--dry-run=client -o yaml | kubectl apply -f -");

    HttpResponse<String> truncated =
        send(
            HttpRequest.newBuilder(URI.create(sandbox.url() + "/api/v1/namespaces"))
                .header("Content-Type", "application/vnd.kubernetes.protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'k', '8', 's', 0, 10})));
    assertThat(truncated.statusCode()).isEqualTo(400);
    assertThat(truncated.body()).contains("\"reason\":\"BadRequest\"").contains("protobuf");

    HttpResponse<String> watch =
        send(
            HttpRequest.newBuilder(URI.create(sandbox.url() + "/api/v1/namespaces?watch=true"))
                .GET());
    assertThat(watch.statusCode()).isEqualTo(405);
    assertThat(watch.body()).contains("WebSocket");

    HttpResponse<String> applyPatch =
        send(
            HttpRequest.newBuilder(URI.create(sandbox.url() + "/api/v1/namespaces/other"))
                .header("Content-Type", "application/apply-patch+yaml")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("metadata: {}")));
    assertThat(applyPatch.statusCode()).isEqualTo(415);
    assertThat(applyPatch.body()).contains("server-side apply");
  }

  @Test
  void aMergePatchWithNullRemovesTheLabel() throws Exception {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("patched")
                .addToLabels("stagingcanary.io/sentinel", "true")
                .addToLabels("team", "blue")
                .endMetadata()
                .build())
        .create();

    HttpResponse<String> patched =
        send(
            HttpRequest.newBuilder(URI.create(sandbox.url() + "/api/v1/namespaces/patched"))
                .header("Content-Type", "application/merge-patch+json")
                .method(
                    "PATCH",
                    HttpRequest.BodyPublishers.ofString(
                        "{\"metadata\":{\"labels\":{\"stagingcanary.io/sentinel\":null}}}")));

    assertThat(patched.statusCode()).as(patched.body()).isLessThan(300);
    assertThat(client.namespaces().withName("patched").get().getMetadata().getLabels())
        .containsExactly(java.util.Map.entry("team", "blue"));
    assertThat(
            client
                .namespaces()
                .withLabel("stagingcanary.io/sentinel", "true")
                .list()
                .getItems()
                .stream()
                .map(n -> n.getMetadata().getName()))
        .doesNotContain("patched");
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

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
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
