package io.stagingcanary.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.config.PropertiesBinding;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** Binding and validation of {@code canary.runs.*}: a wrong setting names the property. */
class RunsPropertiesTest {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(RunsProperties.class)
  static class Config {}

  private final ApplicationContextRunner runner = PropertiesBinding.of(Config.class);

  @Test
  void defaults() {
    runner.run(
        context -> {
          RunsProperties p = context.getBean(RunsProperties.class);
          assertThat(p.settle()).isEqualTo(Duration.ofSeconds(5));
          assertThat(p.settleMax()).isEqualTo(Duration.ofSeconds(120));
          assertThat(p.policiesOr(Path.of("fixtures"))).isEqualTo(Path.of("fixtures", "policies"));
          assertThat(p.watchNamespaces()).isEmpty();
          assertThat(p.jobPollInterval()).isEqualTo(Duration.ofSeconds(2));
          assertThat(p.maxDuration()).isEqualTo(Duration.ofHours(2));
        });
  }

  @Test
  void bindsEverySetting() {
    runner
        .withPropertyValues(
            "canary.runs.settle=30s",
            "canary.runs.settle-max=5m",
            "canary.runs.policies=/etc/canary/policies",
            "canary.runs.policy-reload-interval=500ms",
            "canary.runs.watch-namespaces=ops-tools,cron",
            "canary.runs.job-poll-interval=1s",
            "canary.runs.max-duration=6h")
        .run(
            context -> {
              RunsProperties p = context.getBean(RunsProperties.class);
              assertThat(p.settle()).isEqualTo(Duration.ofSeconds(30));
              assertThat(p.settleMax()).isEqualTo(Duration.ofMinutes(5));
              assertThat(p.policiesOr(Path.of("x"))).isEqualTo(Path.of("/etc/canary/policies"));
              assertThat(p.watchNamespaces()).containsExactly("ops-tools", "cron");
              assertThat(p.maxDuration()).isEqualTo(Duration.ofHours(6));
            });
  }

  @Test
  void aSettleAboveTheMaximumNamesTheProperty() {
    runner
        .withPropertyValues("canary.runs.settle=10m", "canary.runs.settle-max=2m")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("canary.runs.settle must be between 0s and"));
    runner
        .withPropertyValues("canary.runs.job-poll-interval=10ms")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining(
                        "canary.runs.policy-reload-interval and canary.runs.job-poll-interval"));
  }

  @Test
  void aMaxDurationBelowOneSecondNamesTheProperty() {
    runner
        .withPropertyValues("canary.runs.max-duration=500ms")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("canary.runs.max-duration must be at least 1s"));
  }

  @Test
  void expiryIsCheckedEveryTenthOfTheLimitBetween100msAndAMinute() {
    assertThat(RunExpiry.checkInterval(Duration.ofSeconds(8))).isEqualTo(Duration.ofMillis(800));
    assertThat(RunExpiry.checkInterval(Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(100));
    assertThat(RunExpiry.checkInterval(Duration.ofHours(2))).isEqualTo(Duration.ofMinutes(1));
  }
}
