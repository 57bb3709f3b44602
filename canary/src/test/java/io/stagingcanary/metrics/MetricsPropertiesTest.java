package io.stagingcanary.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.config.PropertiesBinding;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** Binding and validation of {@code canary.metrics.*}. */
class MetricsPropertiesTest {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(MetricsProperties.class)
  static class Config {}

  private final ApplicationContextRunner runner = PropertiesBinding.of(Config.class);

  @Test
  void defaultBucketsCoverTheTargets() {
    runner.run(
        context -> {
          MetricsProperties properties = context.getBean(MetricsProperties.class);
          assertThat(properties.detectionLatencyBuckets())
              .contains(Duration.ofSeconds(1))
              .hasSize(9);
          assertThat(properties.verificationDurationBuckets()).contains(Duration.ofSeconds(2));
          assertThat(properties.toolRunDurationBuckets()).contains(Duration.ofMinutes(30));
        });
  }

  @Test
  void bindsBuckets() {
    runner
        .withPropertyValues(
            "canary.metrics.detection-latency-buckets=200ms,1s",
            "canary.metrics.verification-duration-buckets=5s",
            "canary.metrics.tool-run-duration-buckets=1h")
        .run(
            context -> {
              MetricsProperties properties = context.getBean(MetricsProperties.class);
              assertThat(properties.detectionLatencyBuckets())
                  .containsExactly(Duration.ofMillis(200), Duration.ofSeconds(1));
              assertThat(properties.verificationDurationBuckets())
                  .containsExactly(Duration.ofSeconds(5));
              assertThat(properties.toolRunDurationBuckets()).containsExactly(Duration.ofHours(1));
            });
  }

  @Test
  void aZeroBucketIsRejectedNamingTheProperty() {
    runner
        .withPropertyValues("canary.metrics.detection-latency-buckets=0s,1s")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("canary.metrics"));
  }
}
