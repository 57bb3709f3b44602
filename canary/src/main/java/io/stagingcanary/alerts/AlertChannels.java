package io.stagingcanary.alerts;

import io.stagingcanary.metrics.CanaryMetrics;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/** The configured, enabled channels; a secret file that cannot be read stops startup. */
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
    Duration timeout = properties.delivery().timeout();
    List<AlertChannel> channels = new ArrayList<>();
    for (int i = 0; i < properties.alertmanager().size(); i++) {
      AlertsProperties.Alertmanager c = properties.alertmanager().get(i);
      if (c.enabled()) {
        channels.add(
            new AlertmanagerChannel(
                name(c.name(), "alertmanager", i),
                c.url(),
                http,
                timeout,
                properties.resendInterval(),
                properties.runbookUrl()));
      }
    }
    for (int i = 0; i < properties.slack().size(); i++) {
      AlertsProperties.Slack c = properties.slack().get(i);
      if (c.enabled()) {
        String url =
            secret(c.url(), c.urlFile(), "canary.alerts.slack[" + i + "].url-file").strip();
        requireUrl(url, "canary.alerts.slack[" + i + "].url-file");
        channels.add(new SlackChannel(name(c.name(), "slack", i), url, http, timeout));
      }
    }
    for (int i = 0; i < properties.pagerduty().size(); i++) {
      AlertsProperties.PagerDuty c = properties.pagerduty().get(i);
      if (c.enabled()) {
        String key =
            secret(
                c.routingKey(),
                c.routingKeyFile(),
                "canary.alerts.pagerduty[" + i + "].routing-key-file");
        channels.add(
            new PagerDutyChannel(name(c.name(), "pagerduty", i), c.url(), key, http, timeout));
      }
    }
    for (int i = 0; i < properties.webhooks().size(); i++) {
      AlertsProperties.Webhook c = properties.webhooks().get(i);
      if (c.enabled()) {
        String secret =
            c.secret() != null || c.secretFile() != null
                ? secret(
                    c.secret(), c.secretFile(), "canary.alerts.webhooks[" + i + "].secret-file")
                : null;
        channels.add(
            new WebhookChannel(name(c.name(), "webhook", i), c.url(), secret, http, timeout));
      }
    }
    if (properties.log().enabled()) {
      channels.add(new LogChannel());
    }
    return channels;
  }

  private static String name(String configured, String type, int index) {
    return configured == null || configured.isBlank() ? type + "-" + index : configured.strip();
  }

  private static String secret(String value, Path file, String property) {
    if (value != null && !value.isBlank()) {
      return value.strip();
    }
    try {
      String read = Files.readString(file).strip();
      if (read.isEmpty()) {
        throw new IllegalStateException(property + ": file " + file + " is empty");
      }
      return read;
    } catch (IOException e) {
      throw new IllegalStateException(property + ": cannot read " + file + ": " + e, e);
    }
  }

  private static void requireUrl(String url, String property) {
    if (!url.matches(AlertsProperties.URL)) {
      throw new IllegalStateException(property + ": the file does not hold an http(s) URL");
    }
  }
}
