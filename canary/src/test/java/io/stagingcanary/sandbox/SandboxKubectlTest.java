package io.stagingcanary.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verbs a newcomer tries first, run with a stock kubectl (the control plane's build, else one
 * on the PATH) against the sandbox: each works, or fails at once with a message that says why and
 * what to do instead. Nothing here may hang: {@link Kubectl} gives up after 60 s and fails.
 */
class SandboxKubectlTest {

  static SandboxCluster sandbox;
  static KubernetesClient client;
  static Kubectl kubectl;
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    Path kubeconfig = dir.resolve("kubeconfig");
    kubectl = Kubectl.find(kubeconfig).orElse(null);
    assumeTrue(
        kubectl != null,
        "no kubectl binary found (KUBECTL, the control-plane build: "
            + "bash canary/src/test/control-plane/build.sh, or the PATH)");
    System.out.println("kubectl: " + kubectl + " " + kubectl.clientVersion());
    sandbox = SandboxCluster.start("127.0.0.1", 0, List.of());
    sandbox.writeKubeconfig(kubeconfig);
    client = sandbox.newClient();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
      sandbox.close();
    }
  }

  @Test
  void createNamespaceConfigMapSecretAndServiceAccountWork() throws Exception {
    assertSucceeded(kubectl.run("create", "namespace", "kubectl-made"));
    assertThat(client.namespaces().withName("kubectl-made").get()).isNotNull();

    assertSucceeded(
        kubectl.run("-n", "kubectl-made", "create", "configmap", "settings", "--from-literal=a=b"));
    assertThat(client.configMaps().inNamespace("kubectl-made").withName("settings").get().getData())
        .containsExactly(Map.entry("a", "b"));

    assertSucceeded(
        kubectl.run(
            "-n",
            "kubectl-made",
            "create",
            "secret",
            "generic",
            "credentials",
            "--from-literal=password=s3cret"));
    assertThat(client.secrets().inNamespace("kubectl-made").withName("credentials").get().getData())
        .containsExactly(Map.entry("password", "czNjcmV0"));

    assertSucceeded(kubectl.run("-n", "kubectl-made", "create", "serviceaccount", "robot"));
    assertThat(client.serviceAccounts().inNamespace("kubectl-made").withName("robot").get())
        .isNotNull();

    Kubectl.Result again = kubectl.run("create", "namespace", "kubectl-made");
    assertThat(again.exitCode()).isNotZero();
    assertThat(again.output()).contains("already exists");
  }

  @Test
  void createOfAnotherKindWorksOrSaysHowToCreateItFromYaml() throws Exception {
    String[] create = {"create", "deployment", "web-created", "--image=nginx"};
    Kubectl.Result direct = kubectl.run(create);
    if (direct.exitCode() != 0) {
      assertThat(direct.output()).contains("--dry-run=client -o yaml | kubectl apply -f -");
      Kubectl.Result yaml =
          kubectl.run(
              "create",
              "deployment",
              "web-created",
              "--image=nginx",
              "--dry-run=client",
              "-o",
              "yaml");
      assertSucceeded(yaml);
      assertSucceeded(kubectl.runWithInput(yaml.output(), "apply", "-f", "-"));
    }
    assertThat(client.apps().deployments().inNamespace("default").withName("web-created").get())
        .isNotNull();
  }

  @Test
  void applyCreatesAndThenUpdates() throws Exception {
    String manifest =
        """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: applied
          labels: {team: blue}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: applied}
        data: {mode: "%s"}
        """;

    Kubectl.Result created = kubectl.runWithInput(manifest.formatted("one"), "apply", "-f", "-");
    assertThat(created.exitCode()).as(created.output()).isZero();
    assertThat(created.output())
        .contains("namespace/applied created", "configmap/settings created");

    Kubectl.Result updated = kubectl.runWithInput(manifest.formatted("two"), "apply", "-f", "-");
    assertThat(updated.exitCode()).as(updated.output()).isZero();
    assertThat(updated.output()).contains("configmap/settings configured");
    ConfigMap settings = client.configMaps().inNamespace("applied").withName("settings").get();
    assertThat(settings.getData()).containsExactly(Map.entry("mode", "two"));
    assertThat(settings.getMetadata().getAnnotations())
        .containsKey("kubectl.kubernetes.io/last-applied-configuration");
  }

  @Test
  void applyOfAChangedContainerListIsRefusedWithTheReason() throws Exception {
    String deployment =
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: default}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
                - {name: web, image: "%s"}
        """;
    Kubectl.Result created =
        kubectl.runWithInput(deployment.formatted("nginx:1"), "apply", "-f", "-");
    assertThat(created.exitCode()).as(created.output()).isZero();

    Kubectl.Result changed =
        kubectl.runWithInput(deployment.formatted("nginx:2"), "apply", "-f", "-");

    // A strategic merge patch of a list carries directives the mock server cannot apply.
    if (changed.exitCode() != 0) {
      assertThat(changed.output()).contains("strategic merge patch", "kubectl replace");
    } else {
      assertThat(
              client
                  .apps()
                  .deployments()
                  .inNamespace("default")
                  .withName("web")
                  .get()
                  .getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers())
          .singleElement()
          .satisfies(c -> assertThat(c.getImage()).isEqualTo("nginx:2"));
    }
    Kubectl.Result replaced =
        kubectl.runWithInput(deployment.formatted("nginx:2"), "replace", "-f", "-");
    assertThat(replaced.exitCode()).as(replaced.output()).isZero();
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace("default")
                .withName("web")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .isEqualTo("nginx:2");
  }

  @Test
  void labelAndAnnotateAddAndRemove() throws Exception {
    namespace("labelled", Map.of("stagingcanary.io/sentinel", "true", "team", "blue"));

    assertSucceeded(kubectl.run("label", "ns", "labelled", "extra=1"));
    assertSucceeded(kubectl.run("label", "ns", "labelled", "team-"));
    assertSucceeded(kubectl.run("annotate", "ns", "labelled", "note=hello"));
    Namespace labelled = client.namespaces().withName("labelled").get();
    assertThat(labelled.getMetadata().getLabels())
        .containsEntry("extra", "1")
        .containsEntry("stagingcanary.io/sentinel", "true")
        .doesNotContainKey("team");
    assertThat(labelled.getMetadata().getAnnotations()).containsEntry("note", "hello");

    assertSucceeded(kubectl.run("annotate", "ns", "labelled", "note-"));
    assertSucceeded(kubectl.run("label", "ns", "labelled", "stagingcanary.io/sentinel-"));
    labelled = client.namespaces().withName("labelled").get();
    assertThat(labelled.getMetadata().getLabels()).containsOnlyKeys("extra");
    assertThat(labelled.getMetadata().getAnnotations()).doesNotContainKey("note");

    Kubectl.Result selected =
        kubectl.run("get", "ns", "-l", "stagingcanary.io/sentinel=true", "-o", "name");
    assertSucceeded(selected);
    assertThat(selected.output()).doesNotContain("namespace/labelled");
  }

  @Test
  void deleteRemovesTheObject() throws Exception {
    namespace("deleted", Map.of());
    kubectl.runWithInput(
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
            + "\"metadata\":{\"name\":\"gone\",\"namespace\":\"deleted\"}}",
        "apply",
        "-f",
        "-");
    assertThat(client.configMaps().inNamespace("deleted").withName("gone").get()).isNotNull();

    assertSucceeded(kubectl.run("-n", "deleted", "delete", "configmap", "gone"));

    assertThat(client.configMaps().inNamespace("deleted").withName("gone").get()).isNull();
    Kubectl.Result again = kubectl.run("-n", "deleted", "delete", "configmap", "gone");
    assertThat(again.exitCode()).isNotZero();
    assertThat(again.output()).contains("NotFound");
  }

  @Test
  void getWatchListsAndThenFollowsOrSaysWhyItCannot() throws Exception {
    namespace("watched", Map.of());

    Kubectl.Result watch = kubectl.run("get", "ns", "watched", "-w", "--request-timeout=5s");

    assertThat(watch.output()).contains("watched");
    if (watch.exitCode() != 0) {
      assertThat(watch.output())
          .contains("MethodNotAllowed")
          .contains("kubectl get -w cannot follow it");
    }
  }

  // ----

  private static void namespace(String name, Map<String, String> labels) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .create();
  }

  private static void assertSucceeded(Kubectl.Result result) {
    assertThat(result.exitCode()).as(result.output()).isZero();
  }
}
