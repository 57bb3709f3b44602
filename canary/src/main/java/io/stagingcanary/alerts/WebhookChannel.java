package io.stagingcanary.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A generic webhook: the versioned JSON body of docs/alerts.md, an {@code Idempotency-Key} header,
 * and with a secret an {@code X-Canary-Signature: sha256=<hex HMAC-SHA256 of the body>} header.
 */
final class WebhookChannel extends HttpAlertChannel {

  static final int VERSION = 1;
  static final String SIGNATURE_HEADER = "X-Canary-Signature";
  static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

  private final byte[] secret;

  WebhookChannel(String name, String url, String secret, HttpClient http, Duration timeout) {
    super(name, URI.create(url), http, timeout);
    this.secret =
        secret == null || secret.isEmpty() ? null : secret.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String type() {
    return "webhook";
  }

  @Override
  String body(Alert alert, Instant now) {
    return render(alert);
  }

  @Override
  Map<String, String> headers(String body, String idempotencyKey) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(IDEMPOTENCY_HEADER, idempotencyKey);
    if (secret != null) {
      headers.put(SIGNATURE_HEADER, "sha256=" + hmac(secret, body));
    }
    return headers;
  }

  static String render(Alert alert) {
    ObjectNode root = AlertCodec.MAPPER.createObjectNode();
    root.put("version", VERSION);
    root.put("alertId", alert.id());
    root.put("alertname", alert.name());
    root.put("status", alert.status().wire());
    root.put("severity", alert.severity().wire());
    ObjectNode cluster = root.putObject("cluster");
    cluster.put("name", alert.clusterName());
    cluster.put("id", alert.clusterId());
    String incident =
        alert
            .labels()
            .getOrDefault(
                Alert.INCIDENT_LABEL,
                alert.incidents().isEmpty() ? null : alert.incidents().get(0));
    root.put("incident", incident);
    if (alert.labels().containsKey(Alert.RUN_LABEL)) {
      ObjectNode run = root.putObject("run");
      run.put("id", alert.labels().get(Alert.RUN_LABEL));
      run.put("tool", alert.labels().get(Alert.TOOL_LABEL));
      run.put("version", alert.labels().get(Alert.TOOL_VERSION_LABEL));
      alert.incidents().forEach(root.putArray("incidents")::add);
      if (alert.incidents().isEmpty()) {
        root.putArray("incidents");
      }
    }
    alert.sets().forEach(root.putArray("sets")::add);
    if (alert.sets().isEmpty()) {
      root.putArray("sets");
    }
    root.put("summary", alert.summary());
    ObjectNode counts = root.putObject("counts");
    AlertCodec.orderedCounts(alert.counts()).forEach(counts::put);
    root.set("diff", AlertCodec.diffTree(alert.diffJson()));
    root.put("text", alert.text());
    ObjectNode links = root.putObject("links");
    links.put(alert.labels().containsKey(Alert.RUN_LABEL) ? "run" : "incident", alert.apiLink());
    links.put("page", alert.link());
    root.put("startsAt", alert.startsAt().toString());
    if (alert.endsAt() == null) {
      root.putNull("endsAt");
    } else {
      root.put("endsAt", alert.endsAt().toString());
    }
    return AlertCodec.write(root);
  }

  static String hmac(byte[] secret, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
