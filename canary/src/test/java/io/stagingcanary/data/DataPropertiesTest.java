package io.stagingcanary.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.config.PropertiesBinding;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/** Binding and validation of {@code canary.data.*}. */
class DataPropertiesTest {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(DataProperties.class)
  static class Config {}

  private final ApplicationContextRunner runner = PropertiesBinding.of(Config.class);

  @Test
  void defaults() {
    runner.run(
        context -> {
          DataProperties p = context.getBean(DataProperties.class);
          assertThat(p.enabled()).isTrue();
          assertThat(p.image()).isEqualTo("busybox:1.37");
          assertThat(p.size().toBytes()).isEqualTo(4L * 1024 * 1024);
          assertThat(p.checkInterval()).isEqualTo(Duration.ofMinutes(30));
          assertThat(p.jobTimeout()).isEqualTo(Duration.ofMinutes(5));
          assertThat(p.jobTtl()).isEqualTo(Duration.ofMinutes(10));
          assertThat(p.snapshotInterval()).isEqualTo(Duration.ofMinutes(5));
        });
  }

  @Test
  void binds() {
    runner
        .withPropertyValues(
            "canary.data.enabled=false",
            "canary.data.image=registry.example.test/tools/busybox:1",
            "canary.data.size=16MB",
            "canary.data.check-interval=1h",
            "canary.data.job-timeout=90s")
        .run(
            context -> {
              DataProperties p = context.getBean(DataProperties.class);
              assertThat(p.enabled()).isFalse();
              assertThat(p.image()).isEqualTo("registry.example.test/tools/busybox:1");
              assertThat(p.size()).isEqualTo(DataSize.ofMegabytes(16));
              assertThat(p.checkInterval()).isEqualTo(Duration.ofHours(1));
              assertThat(p.jobTimeout()).isEqualTo(Duration.ofSeconds(90));
            });
  }

  @ParameterizedTest
  @CsvSource({
    "canary.data.size=1GB, canary.data.size",
    "canary.data.check-interval=10s, canary.data.check-interval",
    "canary.data.job-timeout=0s, canary.data.job-timeout",
    "canary.data.job-ttl=-1s, canary.data.job-ttl",
    "canary.data.poll-interval=1ms, canary.data.poll-interval"
  })
  void aBadValueStopsStartupNamingTheProperty(String setting, String named) {
    runner
        .withPropertyValues(setting)
        .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining(named));
  }
}
