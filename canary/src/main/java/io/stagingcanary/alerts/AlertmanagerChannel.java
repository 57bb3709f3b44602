package io.stagingcanary.alerts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;

/**
 * Alertmanager API v2: {@code POST {url}/api/v2/alerts}. A firing alert carries {@code endsAt} four
 * re-send intervals ahead (as Prometheus does), so an agent that stops re-sending lets it expire; a
 * resolve carries the resolve time.
 */
final class AlertmanagerChannel extends HttpAlertChannel {

  static final int MAX_DESCRIPTION = 8000;

  private final Duration resendInterval;
  private final String runbookUrl;

  AlertmanagerChannel(
      String name,
      String url,
      HttpClient http,
      Duration timeout,
      Duration resendInterval,
      String runbookUrl) {
    super(name, URI.create(stripSlash(url) + "/api/v2/alerts"), http, timeout);
    this.resendInterval = resendInterval;
    this.runbookUrl = runbookUrl;
  }

  @Override
  public String type() {
    return "alertmanager";
  }

  @Override
  String body(Alert alert, Instant now) {
    return render(alert, now, resendInterval, runbookUrl);
  }

  static String render(Alert alert, Instant now, Duration resendInterval, String runbookUrl) {
    ArrayNode alerts = AlertCodec.MAPPER.createArrayNode();
    ObjectNode node = alerts.addObject();
    ObjectNode labels = node.putObject("labels");
    labels.put("alertname", alert.name());
    labels.put("severity", alert.severity().wire());
    labels.put("cluster", alert.clusterName());
    if (!alert.sets().isEmpty()) {
      labels.put("set", String.join(",", alert.sets()));
    }
    labels.put("incident", alert.subject());
    ObjectNode annotations = node.putObject("annotations");
    annotations.put("summary", alert.summary());
    annotations.put("description", Texts.truncate(alert.text(), MAX_DESCRIPTION, alert.link()));
    if (runbookUrl != null && !runbookUrl.isBlank()) {
      annotations.put("runbook_url", runbookUrl);
    }
    node.put("startsAt", alert.startsAt().toString());
    Instant endsAt = alert.firing() ? now.plus(resendInterval.multipliedBy(4)) : alert.endsAt();
    node.put("endsAt", endsAt.toString());
    node.put("generatorURL", alert.link());
    return AlertCodec.write(alerts);
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
