package io.stagingcanary.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.config.PropertiesBinding;
import io.stagingcanary.maintenance.MaintenanceProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** Binding and validation of {@code canary.alerts.*}, {@code canary.maintenance.*}, public URL. */
class AlertsPropertiesTest {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties({
    AlertsProperties.class,
    CanaryProperties.class,
    MaintenanceProperties.class
  })
  static class Config {}

  @TempDir Path directory;

  private final ApplicationContextRunner runner = PropertiesBinding.of(Config.class, pathBinding());

  /** The agent's Path converter (package-private in config). */
  static Class<?> pathBinding() {
    try {
      return Class.forName("io.stagingcanary.config.PathBinding");
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void defaultsHaveNoChannelsAndSaneDelivery() {
    runner.run(
        context -> {
          AlertsProperties alerts = context.getBean(AlertsProperties.class);
          assertThat(AlertChannels.build(alerts)).isEmpty();
          assertThat(alerts.blindGrace()).isEqualTo(Duration.ofMinutes(5));
          assertThat(alerts.resendInterval()).isEqualTo(Duration.ofMinutes(1));
          assertThat(alerts.delivery().maxAttempts()).isEqualTo(4);
          assertThat(alerts.delivery().timeout()).isEqualTo(Duration.ofSeconds(10));
          assertThat(context.getBean(MaintenanceProperties.class).maxDuration())
              .isEqualTo(Duration.ofHours(12));
          assertThat(context.getBean(CanaryProperties.class).publicBase())
              .isEqualTo("http://localhost:8080");
        });
  }

  @Test
  void bindsListsOfChannelsWithSecretsFromFiles() throws Exception {
    Path routingKey = directory.resolve("routing-key");
    Files.writeString(routingKey, "R0UTINGKEY\n");
    Path slackUrl = directory.resolve("slack-url");
    Files.writeString(slackUrl, "https://hooks.slack.com/services/T/B/X\n");
    runner
        .withPropertyValues(
            "canary.public-url=https://canary.example.com/",
            "canary.alerts.alertmanager[0].url=http://am-0:9093",
            "canary.alerts.alertmanager[1].url=http://am-1:9093",
            "canary.alerts.alertmanager[1].enabled=false",
            "canary.alerts.slack[0].url-file=" + slackUrl,
            "canary.alerts.pagerduty[0].routing-key-file=" + routingKey,
            "canary.alerts.webhooks[0].name=ticketing",
            "canary.alerts.webhooks[0].url=https://hooks.example.com/canary",
            "canary.alerts.webhooks[0].secret=s3cret",
            "canary.alerts.log.enabled=true",
            "canary.alerts.runbook-url=https://runbooks.example.com/canary",
            "canary.maintenance.max-duration=4h")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              AlertsProperties alerts = context.getBean(AlertsProperties.class);
              assertThat(AlertChannels.build(alerts))
                  .extracting(AlertChannel::name)
                  .containsExactly("alertmanager-0", "slack-0", "pagerduty-0", "ticketing", "log");
              assertThat(
                      AlertChannels.build(alerts).stream()
                          .filter(c -> c instanceof SlackChannel)
                          .map(c -> ((SlackChannel) c).uri().toString()))
                  .containsExactly("https://hooks.slack.com/services/T/B/X");
              assertThat(alerts.runbookUrl()).isEqualTo("https://runbooks.example.com/canary");
              assertThat(alerts.holdForVerdict()).isEqualTo(Duration.ofMinutes(5));
              assertThat(context.getBean(CanaryProperties.class).publicBase())
                  .isEqualTo("https://canary.example.com");
              assertThat(context.getBean(MaintenanceProperties.class).maxDuration())
                  .isEqualTo(Duration.ofHours(4));
            });
  }

  @Test
  void theRunbookIsABaseUrlWithADefaultAndNoFragment() {
    runner.run(
        context ->
            assertThat(context.getBean(AlertsProperties.class).runbookUrl())
                .isEqualTo(AlertsProperties.DEFAULT_RUNBOOK));
    runner
        .withPropertyValues("canary.alerts.runbook-url=https://wiki.example.com/canary#alerts")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining("canary.alerts.runbook-url")
                    .hasMessageContaining("without a #fragment"));
  }

  @Test
  void aBadUrlStopsStartupNamingTheProperty() {
    runner
        .withPropertyValues("canary.alerts.webhooks[0].url=hooks.example.com/canary")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining("canary.alerts.webhooks[0].url")
                    .hasMessageContaining("must be an http(s) URL"));
    runner
        .withPropertyValues("canary.public-url=canary.example.com")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining("canary.public-url"));
  }

  @Test
  void aPagerDutyChannelWithoutRoutingKeyStopsStartup() {
    runner
        .withPropertyValues(
            "canary.alerts.pagerduty[0].url=https://events.pagerduty.com/v2/enqueue")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining("canary.alerts.pagerduty[0]")
                    .hasMessageContaining("set routing-key or routing-key-file"));
  }

  @Test
  void anUnreadableSecretFileNamesTheProperty() {
    AlertsProperties properties =
        new AlertsProperties(
            null,
            null,
            java.util.List.of(
                new AlertsProperties.PagerDuty(
                    null,
                    true,
                    "https://events.pagerduty.com/v2/enqueue",
                    null,
                    directory.resolve("absent"))),
            null,
            new AlertsProperties.Log(false),
            Duration.ofMinutes(5),
            Duration.ofMinutes(1),
            null,
            Duration.ofMinutes(5),
            AlertingHarness.fastDelivery());
    assertThatThrownBy(() -> AlertChannels.build(properties))
        .hasMessageStartingWith("canary.alerts.pagerduty[0].routing-key-file: cannot read");
  }
}
