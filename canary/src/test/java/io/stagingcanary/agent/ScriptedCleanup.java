package io.stagingcanary.agent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.stagingcanary.rules.LabelSelector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A stand-in ops tool, run as its own process under the gate: "cleanup" deletes the Namespaces and
 * the user ClusterRoles of every tenant whose labels match a selector, as {@code kubectl delete ns
 * -l SELECTOR} would. Usage: {@code ScriptedCleanup KUBECONFIG SELECTOR}.
 */
public final class ScriptedCleanup {

  private ScriptedCleanup() {}

  public static void main(String[] args) throws Exception {
    Config config = Config.fromKubeconfig(Files.readString(Path.of(args[0])));
    LabelSelector selector = LabelSelector.parse(args[1]);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      List<HasMetadata> doomed = new ArrayList<>();
      doomed.addAll(client.namespaces().list().getItems());
      doomed.addAll(client.rbac().clusterRoles().list().getItems());
      int deleted = 0;
      for (HasMetadata object : doomed) {
        Map<String, String> labels = object.getMetadata().getLabels();
        if (labels != null && selector.matches(labels)) {
          client.resource(object).delete();
          System.out.println(
              "cleanup: deleted " + object.getKind() + " " + object.getMetadata().getName());
          deleted++;
        }
      }
      System.out.println("cleanup: " + deleted + " object(s) matching '" + args[1] + "' deleted");
    }
  }
}
