package io.stagingcanary.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** Binding and validation of {@code canary.*}: a wrong setting names the property. */
class CanaryPropertiesTest {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(CanaryProperties.class)
  @org.springframework.context.annotation.Import(PathBinding.class)
  static class Config {}

  private final ApplicationContextRunner runner = PropertiesBinding.of(Config.class);

  @Test
  void defaultsAreUsable() {
    runner.run(
        context -> {
          CanaryProperties properties = context.getBean(CanaryProperties.class);
          assertThat(properties.clusterName()).isEqualTo("staging");
          assertThat(properties.clusterIdOrNull()).isNull();
          assertThat(properties.dataDir().normalize()).isEqualTo(Path.of("data"));
          assertThat(properties.fixtures().path()).isEqualTo(Path.of("fixtures"));
          assertThat(properties.fixtures().sets()).containsExactly("sandbox");
          assertThat(properties.api().protectReads()).isFalse();
          assertThat(properties.api().protectMetrics()).isFalse();
          assertThat(properties.sandbox().port()).isEqualTo(18443);
          assertThat(properties.sandbox().kubeconfigOr(Path.of("d")))
              .isEqualTo(Path.of("d", "kubeconfig"));
        });
  }

  @Test
  void bindsEverySetting() {
    runner
        .withPropertyValues(
            "canary.cluster-name=stage-eu-1",
            "canary.cluster-id=  abc  ",
            "canary.data-dir=/var/lib/canary",
            "canary.fixtures.path=../fixtures",
            "canary.fixtures.sets=sandbox,openshift-online",
            "canary.api.token-file=/etc/canary/tokens",
            "canary.api.protect-reads=true",
            "canary.api.protect-metrics=true",
            "canary.sandbox.port=0",
            "canary.sandbox.kubeconfig=/var/lib/canary/kubeconfig")
        .run(
            context -> {
              CanaryProperties p = context.getBean(CanaryProperties.class);
              assertThat(p.clusterName()).isEqualTo("stage-eu-1");
              assertThat(p.clusterIdOrNull()).isEqualTo("abc");
              assertThat(p.fixtures().path()).isEqualTo(Path.of("..", "fixtures"));
              assertThat(p.fixtures().sets()).containsExactly("sandbox", "openshift-online");
              assertThat(p.api().tokenFile()).isEqualTo(Path.of("/etc/canary/tokens"));
              assertThat(p.api().protectReads()).isTrue();
              assertThat(p.api().protectMetrics()).isTrue();
              assertThat(p.sandbox().port()).isZero();
              assertThat(p.sandbox().kubeconfigOr(Path.of("x")))
                  .isEqualTo(Path.of("/var/lib/canary/kubeconfig"));
            });
  }

  @Test
  void anInvalidClusterNameStopsStartupNamingTheProperty() {
    runner
        .withPropertyValues("canary.cluster-name=not valid!")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("canary")
                    .hasMessageContaining("clusterName"));
  }

  @Test
  void anEmptySetListStopsStartupNamingTheProperty() {
    runner
        .withPropertyValues("canary.fixtures.sets=")
        .run(
            context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("fixtures.sets"));
  }

  @Test
  void anOutOfRangePortStopsStartupNamingTheProperty() {
    runner
        .withPropertyValues("canary.sandbox.port=70000")
        .run(
            context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("sandbox.port"));
  }
}
