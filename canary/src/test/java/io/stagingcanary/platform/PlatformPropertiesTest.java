package io.stagingcanary.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.config.PropertiesBinding;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** Binding and validation of {@code canary.platform.*}. */
class PlatformPropertiesTest {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(PlatformProperties.class)
  static class Config {}

  private final ApplicationContextRunner runner = PropertiesBinding.of(Config.class);

  @Test
  void shutdownWaitDefaultsToFiveSecondsAndBinds() {
    runner.run(
        context ->
            assertThat(context.getBean(PlatformProperties.class).shutdownWait())
                .isEqualTo(Duration.ofSeconds(5)));
    runner
        .withPropertyValues("canary.platform.shutdown-wait=0s")
        .run(
            context ->
                assertThat(context.getBean(PlatformProperties.class).shutdownWait())
                    .isEqualTo(Duration.ZERO));
  }

  @Test
  void aNegativeOrOverlongWaitStopsStartupNamingTheProperty() {
    for (String wait : new String[] {"-1s", "2m"}) {
      runner
          .withPropertyValues("canary.platform.shutdown-wait=" + wait)
          .run(
              context ->
                  assertThat(context)
                      .getFailure()
                      .rootCause()
                      .hasMessageContaining("canary.platform.shutdown-wait"));
    }
  }
}
