package io.stagingcanary.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.config.CanaryProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Asks the API server which cluster it serves now, the same way startup does ({@link
 * ClusterIdentity#resolve}): a running agent re-checks it when sight returns and before it pages a
 * large loss, so a cluster rebuilt behind the same URL is one environment reset, not a loss.
 */
@Component
public class ClusterIdentities {

  private final KubernetesClient client;
  private final CanaryProperties properties;
  private final ObjectProvider<ClusterIdOverride> override;

  public ClusterIdentities(
      KubernetesClient client,
      CanaryProperties properties,
      ObjectProvider<ClusterIdOverride> override) {
    this.client = client;
    this.properties = properties;
    this.override = override;
  }

  /**
   * The identity of the cluster behind the URL now; fails with {@link ClusterUnreachableException}
   * when the API server cannot be asked.
   */
  public ClusterIdentity current() {
    return ClusterIdentity.resolve(client, properties, override.getIfAvailable());
  }
}
