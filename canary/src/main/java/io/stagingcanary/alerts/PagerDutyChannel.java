package io.stagingcanary.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;

/**
 * PagerDuty Events API v2: trigger and resolve with {@code dedup_key = <cluster>:<incident id>}, so
 * PagerDuty folds every message about one incident into one PagerDuty incident.
 */
final class PagerDutyChannel extends HttpAlertChannel {

  static final int MAX_SUMMARY = 1024;
  static final int MAX_DIFF = 60000;

  private final String routingKey;

  PagerDutyChannel(String name, String url, String routingKey, HttpClient http, Duration timeout) {
    super(name, URI.create(url), http, timeout);
    this.routingKey = routingKey;
  }

  @Override
  public String type() {
    return "pagerduty";
  }

  @Override
  String body(Alert alert, Instant now) {
    return render(alert, routingKey);
  }

  static String dedupKey(Alert alert) {
    return alert.clusterName() + ":" + alert.subject();
  }

  static String render(Alert alert, String routingKey) {
    ObjectNode root = AlertCodec.MAPPER.createObjectNode();
    root.put("routing_key", routingKey);
    root.put("event_action", alert.firing() ? "trigger" : "resolve");
    root.put("dedup_key", dedupKey(alert));
    if (!alert.firing()) {
      return AlertCodec.write(root);
    }
    ObjectNode payload = root.putObject("payload");
    payload.put(
        "summary",
        Texts.cut(
            "[" + alert.clusterName() + "] " + alert.name() + ": " + alert.summary(), MAX_SUMMARY));
    payload.put("severity", alert.severity().wire());
    payload.put("source", alert.clusterName());
    payload.put("component", "staging-canary");
    if (!alert.sets().isEmpty()) {
      payload.put("group", String.join(",", alert.sets()));
    }
    payload.put("class", alert.name());
    payload.put("timestamp", alert.startsAt().toString());
    ObjectNode details = payload.putObject("custom_details");
    if (alert.labels().containsKey(Alert.RUN_LABEL)) {
      details.put("tool", alert.labels().get(Alert.TOOL_LABEL));
      details.put("tool_version", alert.labels().get(Alert.TOOL_VERSION_LABEL));
      details.put("run", alert.labels().get(Alert.RUN_LABEL));
      alert.incidents().forEach(details.putArray("incidents")::add);
    } else {
      details.put("incident", alert.subject());
    }
    details.put("cluster_id", alert.clusterId());
    ObjectNode counts = details.putObject("counts");
    AlertCodec.orderedCounts(alert.counts()).forEach(counts::put);
    details.put("diff", Texts.truncate(alert.text(), MAX_DIFF, alert.link()));
    ObjectNode link = root.putArray("links").addObject();
    link.put("href", alert.link());
    link.put("text", "Full diff on the canary's page");
    root.put("client", "Staging Canary");
    root.put("client_url", alert.link());
    return AlertCodec.write(root);
  }
}
