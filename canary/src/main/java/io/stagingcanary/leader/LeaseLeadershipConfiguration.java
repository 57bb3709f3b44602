package io.stagingcanary.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.platform.ComponentExecutors;
import java.time.Clock;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * With {@code canary.leader-election.enabled=true}: Lease-based leadership, joined once the
 * application is ready (every replica first resolves its cluster and serves the read API). Needs a
 * database shared by the replicas: the embedded H2 store is refused.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "canary.leader-election.enabled", havingValue = "true")
class LeaseLeadershipConfiguration {

  @Bean(destroyMethod = "close")
  LeaseLeadership leaseLeadership(
      LeaderElectionProperties properties,
      KubernetesClient client,
      Environment environment,
      ApplicationEventPublisher events,
      Clock clock,
      ComponentExecutors executors) {
    requireSharedStore(environment.getProperty("spring.datasource.url", ""));
    return new LeaseLeadership(
        client,
        properties.leaseNamespaceOr(client.getNamespace()),
        properties.leaseName(),
        properties.identityOr(System.getenv(), "canary-" + UUID.randomUUID()),
        properties.leaseDuration(),
        properties.renewDeadline(),
        properties.retryPeriod(),
        events::publishEvent,
        clock,
        executors);
  }

  @Bean
  ApplicationListener<ApplicationReadyEvent> joinLeaderElection(LeaseLeadership leadership) {
    return ready -> leadership.start();
  }

  static void requireSharedStore(String datasourceUrl) {
    if (datasourceUrl.regionMatches(true, 0, "jdbc:h2:", 0, 8)) {
      throw new SharedStoreRequiredException(
          "canary.leader-election.enabled=true needs a database every replica shares, but"
              + " spring.datasource.url is the embedded H2 store ("
              + datasourceUrl.substring(0, Math.min(datasourceUrl.length(), 12))
              + "...): set spring.datasource.url to PostgreSQL, or run one replica with"
              + " canary.leader-election.enabled=false");
    }
  }
}
