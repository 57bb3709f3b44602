package io.stagingcanary.leader;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Without leader election (the default, and the only choice with the embedded H2 store). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(
    name = "canary.leader-election.enabled",
    havingValue = "false",
    matchIfMissing = true)
class SingleReplicaLeadership {

  @Bean
  @ConditionalOnMissingBean(Leadership.class)
  Leadership singleReplica() {
    return new Leadership() {
      @Override
      public boolean isLeader() {
        return true;
      }

      @Override
      public String identity() {
        return "single-replica";
      }
    };
  }
}
