package io.stagingcanary.seeding;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.controlplane.ControlPlane;
import io.stagingcanary.controlplane.RealControlPlane;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * {@link NamespaceOwnershipContract} on a real API server: real uids and resourceVersions, a real
 * namespace controller that empties a deleted namespace, the controllers that fill a new one with
 * its {@code default} ServiceAccount and {@code kube-root-ca.crt}, and the real kube-system.
 */
@RealControlPlane
class NamespaceOwnershipIT extends NamespaceOwnershipContract {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private final KubernetesClient client;
  private final ClusterIdentity cluster;

  NamespaceOwnershipIT(ControlPlane controlPlane, KubernetesClient client) {
    this.client = client;
    this.cluster =
        new ClusterIdentity(
            ControlPlane.uniqueName("ownership"), "it", controlPlane.apiServerUrl());
  }

  @AfterEach
  void deleteNamespaces() {
    created.forEach(ns -> client.namespaces().withName(ns).delete());
  }

  @Override
  protected KubernetesClient client() {
    return client;
  }

  @Override
  protected ClusterIdentity cluster() {
    return cluster;
  }

  @Override
  protected String uniqueName(String prefix) {
    return ControlPlane.uniqueName(prefix);
  }

  @Override
  protected void deleteNamespaceAndWait(String namespace) {
    client.namespaces().withName(namespace).delete();
    await("namespace " + namespace + " gone")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> client.namespaces().withName(namespace).get() == null);
  }

  @Override
  protected void awaitNamespaceSettled(String namespace) {
    await("controllers filled namespace " + namespace)
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                client.serviceAccounts().inNamespace(namespace).withName("default").get() != null
                    && client.configMaps().inNamespace(namespace).withName("kube-root-ca.crt").get()
                        != null);
    // kube-system fills over the first minute of a cluster (controller ServiceAccounts): compare
    // before and after only once two looks a second apart agree.
    Map<?, ?>[] last = {everything(namespace)};
    await("namespace " + namespace + " quiet")
        .atMost(TIMEOUT)
        .pollDelay(Duration.ofSeconds(1))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              Map<?, ?> now = everything(namespace);
              boolean quiet = now.equals(last[0]);
              last[0] = now;
              return quiet;
            });
  }
}
