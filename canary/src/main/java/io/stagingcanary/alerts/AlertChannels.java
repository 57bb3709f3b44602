package io.stagingcanary.alerts;

import io.stagingcanary.metrics.CanaryMetrics;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The configured, enabled channels, built by their {@link ChannelTypes} in that order; a secret
 * file that cannot be read stops startup.
 */
@Component
class AlertChannels {

  static final List<String> OUTCOMES = List.of("delivered", "retried", "failed", "suppressed");

  private final List<AlertChannel> channels;

  @Autowired
  AlertChannels(AlertsProperties properties, CanaryMetrics metrics) {
    this(build(properties));
    metrics.declareAlertChannels(names(), OUTCOMES);
  }

  AlertChannels(List<AlertChannel> channels) {
    Set<String> seen = new HashSet<>();
    for (AlertChannel channel : channels) {
      if (!seen.add(channel.name())) {
        throw new IllegalStateException(
            "canary.alerts: two channels are named '" + channel.name() + "'; names must be unique");
      }
    }
    this.channels = List.copyOf(channels);
  }

  List<AlertChannel> all() {
    return channels;
  }

  List<String> names() {
    return channels.stream().map(AlertChannel::name).toList();
  }

  static List<AlertChannel> build(AlertsProperties properties) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    ChannelTypes.Context context =
        new ChannelTypes.Context(properties, http, properties.delivery().timeout());
    List<AlertChannel> channels = new ArrayList<>();
    for (ChannelTypes.ChannelType<?> type : ChannelTypes.ALL) {
      channels.addAll(type.build(context));
    }
    return channels;
  }
}
