package io.stagingcanary.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.config.PropertiesBinding;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * The registry of channel kinds: one entry per kind builds its channels and names its abilities.
 */
class ChannelTypesTest {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(AlertsProperties.class)
  static class Config {}

  private final ApplicationContextRunner runner =
      PropertiesBinding.of(Config.class, AlertsPropertiesTest.pathBinding());

  @Test
  void everyKindBuildsChannelsOfItsOwnTypeSoItsCapabilitiesAreFound() {
    runner
        .withPropertyValues(
            "canary.alerts.alertmanager[0].url=http://am-0:9093",
            "canary.alerts.slack[0].url=https://hooks.slack.com/services/T/B/X",
            "canary.alerts.pagerduty[0].routing-key=R0UTINGKEY",
            "canary.alerts.webhooks[0].url=https://hooks.example.com/canary",
            "canary.alerts.log.enabled=true")
        .run(
            context -> {
              List<AlertChannel> channels =
                  AlertChannels.build(context.getBean(AlertsProperties.class));

              assertThat(channels)
                  .extracting(AlertChannel::type)
                  .containsExactlyElementsOf(
                      ChannelTypes.ALL.stream().map(ChannelTypes.ChannelType::type).toList());
              for (AlertChannel channel : channels) {
                assertThat(ChannelTypes.of(channel.type())).isPresent();
              }
            });
  }

  @Test
  void onlyAlertmanagerIsResentWhileActive() {
    runner
        .withPropertyValues(
            "canary.alerts.alertmanager[0].url=http://am-0:9093",
            "canary.alerts.webhooks[0].url=https://hooks.example.com/canary",
            "canary.alerts.log.enabled=true")
        .run(
            context -> {
              List<AlertChannel> channels =
                  AlertChannels.build(context.getBean(AlertsProperties.class));

              assertThat(channels)
                  .filteredOn(c -> ChannelTypes.can(c, ChannelTypes.Capability.RESENDS_ACTIVE))
                  .extracting(AlertChannel::name)
                  .containsExactly("alertmanager-0");
            });
  }

  @Test
  void kindNamesAreUniqueAndAnUnknownKindCanDoNothingExtra() {
    assertThat(ChannelTypes.ALL.stream().map(ChannelTypes.ChannelType::type))
        .doesNotHaveDuplicates();
    AlertChannel foreign =
        new AlertChannel() {
          @Override
          public String name() {
            return "pager-0";
          }

          @Override
          public String type() {
            return "carrier-pigeon";
          }

          @Override
          public CompletableFuture<Void> deliver(Alert alert, String key, Instant now) {
            return CompletableFuture.completedFuture(null);
          }
        };
    assertThat(ChannelTypes.of("carrier-pigeon")).isEmpty();
    assertThat(ChannelTypes.can(foreign, ChannelTypes.Capability.RESENDS_ACTIVE)).isFalse();
  }
}
