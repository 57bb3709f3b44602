package io.stagingcanary.alerts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;

/**
 * Alertmanager API v2: {@code POST {url}/api/v2/alerts}. A firing alert carries {@code endsAt} four
 * re-send intervals ahead (as Prometheus does) and is re-sent while it is unresolved, so it stays
 * firing while the agent lives and expires only when the agent is gone; a resolve carries the
 * resolve time. {@code runbook_url} is the runbook base URL with the alert's own anchor.
 */
final class AlertmanagerChannel extends HttpAlertChannel {

  static final int MAX_DESCRIPTION = 8000;

  private final Duration resendInterval;
  private final String runbookBase;

  AlertmanagerChannel(
      String name,
      String url,
      HttpClient http,
      Duration timeout,
      Duration resendInterval,
      String runbookBase) {
    super(name, URI.create(stripSlash(url) + "/api/v2/alerts"), http, timeout);
    this.resendInterval = resendInterval;
    this.runbookBase = runbookBase;
  }

  @Override
  public String type() {
    return "alertmanager";
  }

  @Override
  String body(Alert alert, Instant now) {
    return render(alert, now, resendInterval, runbookBase);
  }

  /**
   * The request body.
   *
   * @param runbookBase the runbook page ({@code canary.alerts.runbook-url}); null for none
   */
  static String render(Alert alert, Instant now, Duration resendInterval, String runbookBase) {
    ArrayNode alerts = AlertCodec.MAPPER.createArrayNode();
    ObjectNode node = alerts.addObject();
    ObjectNode labels = node.putObject("labels");
    labels.put("alertname", alert.name());
    labels.put("severity", alert.severity().wire());
    labels.put("cluster", alert.clusterName());
    if (!alert.sets().isEmpty()) {
      labels.put("set", String.join(",", alert.sets()));
    }
    alert.labels().forEach(labels::put);
    ObjectNode annotations = node.putObject("annotations");
    annotations.put("summary", alert.summary());
    annotations.put("description", Texts.truncate(alert.text(), MAX_DESCRIPTION, alert.link()));
    if (!alert.incidents().isEmpty()) {
      annotations.put("incidents", String.join(",", alert.incidents()));
    }
    if (runbookBase != null && !runbookBase.isBlank()) {
      annotations.put("runbook_url", runbookUrl(runbookBase, alert.name()));
    }
    node.put("startsAt", alert.startsAt().toString());
    Instant endsAt = alert.firing() ? now.plus(resendInterval.multipliedBy(4)) : alert.endsAt();
    node.put("endsAt", endsAt.toString());
    node.put("generatorURL", alert.link());
    return AlertCodec.write(alerts);
  }

  /** The alert's own section of the runbook: {@code <base>#<alertname in lower case>}. */
  static String runbookUrl(String base, String alertName) {
    return base + "#" + Alert.runbookAnchor(alertName);
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
