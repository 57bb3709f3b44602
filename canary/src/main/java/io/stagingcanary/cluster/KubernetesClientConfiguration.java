package io.stagingcanary.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * The client for a real cluster: fabric8's standard resolution (KUBECONFIG, ~/.kube/config,
 * in-cluster service account). The sandbox profile provides its own client instead.
 */
@Configuration(proxyBeanMethods = false)
@Profile("!sandbox")
class KubernetesClientConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  KubernetesClient kubernetesClient() {
    return new KubernetesClientBuilder().build();
  }
}
