package io.stagingcanary.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The built kubectl works against the test control plane with the generated kubeconfig. */
@RealControlPlane
class KubectlIT {

  private static final String LABEL = "stagingcanary.io/sentinel";

  @Test
  void reportsThePinnedVersionForClientAndServer(ControlPlane controlPlane) {
    ExecResult version = controlPlane.kubectl("version", "-o", "json");

    assertThat(version.exitCode()).as(version.toString()).isZero();
    String expected = "\"gitVersion\": \"v" + controlPlane.kubernetesVersion() + "\"";
    assertThat(version.stdout().split(expected, -1))
        .as("client and server report v%s: %s", controlPlane.kubernetesVersion(), version.stdout())
        .hasSize(3);
  }

  @Test
  void listsByLabelAndDeletesNamespaces(ControlPlane controlPlane, KubernetesClient client) {
    String sentinel = ControlPlane.uniqueName("kubectl-sentinel");
    String other = ControlPlane.uniqueName("kubectl-other");
    createNamespace(client, sentinel, true);
    createNamespace(client, other, false);
    client
        .persistentVolumeClaims()
        .inNamespace(sentinel)
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName("data")
                .addToLabels(LABEL, "true")
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withNewResources()
                .addToRequests("storage", new Quantity("1Gi"))
                .endResources()
                .endSpec()
                .build())
        .create();

    ExecResult namespaces = controlPlane.kubectl("get", "ns", "-l", LABEL + "=true", "-o", "name");
    assertThat(namespaces.exitCode()).as(namespaces.toString()).isZero();
    assertThat(lines(namespaces.stdout()))
        .contains("namespace/" + sentinel)
        .doesNotContain("namespace/" + other);

    ExecResult claims =
        controlPlane.kubectl(
            "get",
            "pvc",
            "-A",
            "-l",
            LABEL + "=true",
            "-o",
            "custom-columns=NS:.metadata.namespace,NAME:.metadata.name",
            "--no-headers");
    assertThat(claims.exitCode()).as(claims.toString()).isZero();
    assertThat(lines(claims.stdout())).contains(sentinel + " data");

    ExecResult delete =
        controlPlane.kubectl("delete", "ns", sentinel, "--wait=true", "--timeout=120s");
    assertThat(delete.exitCode()).as(delete.toString()).isZero();
    assertThat(delete.stdout()).contains("namespace \"" + sentinel + "\" deleted");
    assertThat(client.namespaces().withName(sentinel).get())
        .as("kubectl --wait returns only when the namespace is gone")
        .isNull();
    assertThat(client.namespaces().withName(other).get()).isNotNull();

    ExecResult missing = controlPlane.kubectl("get", "ns", sentinel);
    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.stderr()).contains("NotFound");

    ExecResult claimsAfter =
        controlPlane.kubectl(
            "get",
            "pvc",
            "-A",
            "-l",
            LABEL + "=true",
            "-o",
            "custom-columns=NS:.metadata.namespace,NAME:.metadata.name",
            "--no-headers");
    assertThat(claimsAfter.exitCode()).as(claimsAfter.toString()).isZero();
    assertThat(lines(claimsAfter.stdout())).doesNotContain(sentinel + " data");

    client.namespaces().withName(other).delete();
  }

  private static void createNamespace(KubernetesClient client, String name, boolean sentinel) {
    NamespaceBuilder namespace =
        new NamespaceBuilder().withNewMetadata().withName(name).endMetadata();
    if (sentinel) {
      namespace.editMetadata().addToLabels(LABEL, "true").endMetadata();
    }
    client.namespaces().resource(namespace.build()).create();
  }

  private static List<String> lines(String output) {
    return Arrays.stream(output.split("\n"))
        .map(l -> String.join(" ", l.strip().split("\\s+")))
        .filter(l -> !l.isEmpty())
        .toList();
  }
}
