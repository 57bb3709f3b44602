package io.stagingcanary.seeding;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.cluster.Kinds;
import io.stagingcanary.fixtures.KindSpec;

/** {@link NamespaceOwnershipContract} on the fabric8 CRUD mock server. */
@EnableKubernetesMockClient(crud = true)
class NamespaceOwnershipTest extends NamespaceOwnershipContract {

  KubernetesClient client;

  @Override
  protected KubernetesClient client() {
    return client;
  }

  @Override
  protected ClusterIdentity cluster() {
    return new ClusterIdentity("mock-cluster", "mock", client.getMasterUrl().toString());
  }

  @Override
  protected String uniqueName(String prefix) {
    return prefix;
  }

  /** The mock has no namespace controller: delete what is in it, as that controller would. */
  @Override
  protected void deleteNamespaceAndWait(String namespace) {
    for (KindSpec kind : NAMESPACED_KINDS) {
      client.genericKubernetesResources(Kinds.context(kind)).inNamespace(namespace).delete();
    }
    client.namespaces().withName(namespace).delete();
  }

  /** The mock has no controllers: kube-system exists here only if the test creates it. */
  @Override
  protected void awaitNamespaceSettled(String namespace) {
    if ("kube-system".equals(namespace)
        && client.namespaces().withName("kube-system").get() == null) {
      SentinelNamespaces.createForeign(client, "kube-system", false);
      client
          .configMaps()
          .inNamespace("kube-system")
          .resource(
              new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("extension-apiserver-authentication")
                  .endMetadata()
                  .addToData("client-ca-file", "ca")
                  .build())
          .create();
    }
  }
}
