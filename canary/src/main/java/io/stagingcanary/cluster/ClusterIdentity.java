package io.stagingcanary.cluster;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stagingcanary.config.CanaryProperties;

/**
 * Which cluster the agent is looking at: {@code canary.cluster-id} if set, else the uid of the
 * {@code kube-system} namespace, which changes when a cluster is rebuilt.
 */
public record ClusterIdentity(String id, String name, String serverUrl) {

  /** Resolves the identity, failing with {@link ClusterUnreachableException} when blind. */
  public static ClusterIdentity resolve(KubernetesClient client, CanaryProperties properties) {
    return resolve(client, properties, null);
  }

  /**
   * Resolves the identity: {@code override} (the sandbox's own id) first, then {@code
   * canary.cluster-id}, then the kube-system uid. The API server is asked in every case, so an
   * unreachable one fails startup.
   */
  public static ClusterIdentity resolve(
      KubernetesClient client, CanaryProperties properties, ClusterIdOverride override) {
    String serverUrl = String.valueOf(client.getMasterUrl());
    String configured = override != null ? override.clusterId() : properties.clusterIdOrNull();
    try {
      Namespace kubeSystem = client.namespaces().withName("kube-system").get();
      if (configured != null) {
        return new ClusterIdentity(configured, properties.clusterName(), serverUrl);
      }
      if (kubeSystem == null || kubeSystem.getMetadata().getUid() == null) {
        throw new IllegalStateException(
            "the cluster at "
                + serverUrl
                + " has no kube-system namespace to identify it by; set canary.cluster-id");
      }
      return new ClusterIdentity(
          kubeSystem.getMetadata().getUid(), properties.clusterName(), serverUrl);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403 && configured != null) {
        return new ClusterIdentity(configured, properties.clusterName(), serverUrl);
      }
      throw new ClusterUnreachableException(serverUrl, e);
    }
  }
}
