package io.stagingcanary.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.config.PropertiesBinding;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** Binding and validation of {@code canary.leader-election.*}, and which replica identity wins. */
class LeaderElectionPropertiesTest {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(LeaderElectionProperties.class)
  static class Config {}

  private final ApplicationContextRunner runner = PropertiesBinding.of(Config.class);

  @Test
  void offByDefaultWithClientGoTimings() {
    runner.run(
        context -> {
          LeaderElectionProperties properties = context.getBean(LeaderElectionProperties.class);
          assertThat(properties.enabled()).isFalse();
          assertThat(properties.leaseName()).isEqualTo("staging-canary-leader");
          assertThat(properties.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
          assertThat(properties.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
          assertThat(properties.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
        });
  }

  @Test
  void bindsEverySetting() {
    runner
        .withPropertyValues(
            "canary.leader-election.enabled=true",
            "canary.leader-election.lease-name=eu-canary",
            "canary.leader-election.lease-namespace=staging-canary",
            "canary.leader-election.lease-duration=6s",
            "canary.leader-election.renew-deadline=4s",
            "canary.leader-election.retry-period=1s",
            "canary.leader-election.identity=replica-a")
        .run(
            context -> {
              LeaderElectionProperties p = context.getBean(LeaderElectionProperties.class);
              assertThat(p.enabled()).isTrue();
              assertThat(p.leaseNamespaceOr("ignored")).isEqualTo("staging-canary");
              assertThat(p.identityOr(Map.of("HOSTNAME", "pod-1"), "x")).isEqualTo("replica-a");
              assertThat(p.leaseDuration()).isEqualTo(Duration.ofSeconds(6));
            });
  }

  @Test
  void aLeaseThatDoesNotOutliveTheRenewDeadlineIsRefused() {
    runner
        .withPropertyValues(
            "canary.leader-election.lease-duration=10s",
            "canary.leader-election.renew-deadline=10s")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining(
                        "canary.leader-election.lease-duration must be longer than"
                            + " canary.leader-election.renew-deadline"));
  }

  @Test
  void aRenewDeadlineWithinOneJitteredRetryIsRefused() {
    runner
        .withPropertyValues(
            "canary.leader-election.renew-deadline=2s", "canary.leader-election.retry-period=2s")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("canary.leader-election.renew-deadline"));
  }

  @Test
  void aBadLeaseNameOrNamespaceIsRefused() {
    runner
        .withPropertyValues("canary.leader-election.lease-name=Not_A_Name")
        .run(
            context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("leaseName"));
    runner
        .withPropertyValues("canary.leader-election.lease-namespace=Bad_Namespace")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("canary.leader-election.lease-namespace"));
  }

  @Test
  void identityDefaultsToThePodName() {
    LeaderElectionProperties unset =
        new LeaderElectionProperties(
            true,
            "l",
            null,
            Duration.ofSeconds(15),
            Duration.ofSeconds(10),
            Duration.ofSeconds(2),
            " ");
    assertThat(unset.identityOr(Map.of("POD_NAME", "canary-7c9-x", "HOSTNAME", "h"), "f"))
        .isEqualTo("canary-7c9-x");
    assertThat(unset.identityOr(Map.of("HOSTNAME", "canary-7c9-y"), "f")).isEqualTo("canary-7c9-y");
    assertThat(unset.identityOr(Map.of(), "fallback")).isEqualTo("fallback");
    assertThat(unset.leaseNamespaceOr("from-client")).isEqualTo("from-client");
    assertThat(unset.leaseNamespaceOr(null)).isEqualTo("default");
  }

  @Test
  void leaderElectionOnTheEmbeddedH2StoreIsRefusedNamingTheProperty() {
    PropertiesBinding.of(Config.class, LeaseLeadershipConfiguration.class)
        .withBean(java.time.Clock.class, java.time.Clock::systemUTC)
        .withBean(
            io.stagingcanary.platform.ComponentExecutors.class,
            () -> new io.stagingcanary.platform.ComponentExecutors(Duration.ofSeconds(1)))
        .withBean(
            io.fabric8.kubernetes.client.KubernetesClient.class,
            () ->
                new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                    .withConfig(
                        new io.fabric8.kubernetes.client.ConfigBuilder(
                                io.fabric8.kubernetes.client.Config.empty())
                            .withMasterUrl("https://127.0.0.1:1")
                            .build())
                    .build())
        .withPropertyValues(
            "canary.leader-election.enabled=true",
            "spring.datasource.url=jdbc:h2:file:./data/ledger")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("canary.leader-election.enabled=true")
                    .hasMessageContaining("spring.datasource.url is the embedded H2 store"));
  }

  @Test
  void theStartupFailureSaysHowToFixIt() {
    var analysis =
        new SharedStoreRequiredFailureAnalyzer()
            .analyze(
                new IllegalStateException(
                    "bean creation failed",
                    new SharedStoreRequiredException("canary.leader-election.enabled=true ...")));

    assertThat(analysis.getDescription()).startsWith("canary.leader-election.enabled=true");
    assertThat(analysis.getAction())
        .contains("spring.datasource.url")
        .contains("canary.leader-election.enabled=false");
  }
}
