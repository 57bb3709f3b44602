package io.stagingcanary.metrics;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.stagingcanary.config.CanaryProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Every meter of the agent, the JVM's included, carries the cluster name as tag {@code cluster}.
 */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

  @Bean
  MeterFilter clusterTag(CanaryProperties properties) {
    return MeterFilter.commonTags(Tags.of(CanaryMetrics.CLUSTER, properties.clusterName()));
  }
}
