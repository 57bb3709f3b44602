package io.stagingcanary.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagingcanary.diff.StatusType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Alerts as stored in the outbox, and the JSON tools of the channel payloads. */
final class AlertCodec {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private AlertCodec() {}

  static String encode(Alert alert) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("id", alert.id());
    node.put("name", alert.name());
    node.put("status", alert.status().name());
    node.put("severity", alert.severity().name());
    node.put("clusterName", alert.clusterName());
    node.put("clusterId", alert.clusterId());
    node.put("subject", alert.subject());
    alert.sets().forEach(node.putArray("sets")::add);
    if (alert.sets().isEmpty()) {
      node.putArray("sets");
    }
    ObjectNode counts = node.putObject("counts");
    orderedCounts(alert.counts()).forEach(counts::put);
    node.put("summary", alert.summary());
    node.put("text", alert.text());
    node.put("diffJson", alert.diffJson());
    node.put("link", alert.link());
    node.put("startsAt", alert.startsAt().toString());
    node.put("endsAt", alert.endsAt() == null ? null : alert.endsAt().toString());
    ObjectNode labels = node.putObject("labels");
    alert.labels().forEach(labels::put);
    alert.incidents().forEach(node.putArray("incidents")::add);
    if (alert.incidents().isEmpty()) {
      node.putArray("incidents");
    }
    return write(node);
  }

  static Alert decode(String json) {
    JsonNode node = read(json);
    List<String> sets = new ArrayList<>();
    node.path("sets").forEach(s -> sets.add(s.asText()));
    Map<String, Integer> counts = new LinkedHashMap<>();
    node.path("counts")
        .fields()
        .forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asInt()));
    Map<String, String> labels = new LinkedHashMap<>();
    node.path("labels")
        .fields()
        .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    List<String> incidents = new ArrayList<>();
    node.path("incidents").forEach(i -> incidents.add(i.asText()));
    return Alert.builder()
        .id(node.path("id").asText())
        .of(
            node.path("name").asText(),
            node.path("subject").asText(),
            Alert.Status.valueOf(node.path("status").asText()))
        .severity(Alert.Severity.valueOf(node.path("severity").asText()))
        .cluster(node.path("clusterName").asText(), node.path("clusterId").asText())
        .sets(sets)
        .summary(node.path("summary").asText())
        .counts(counts)
        .diff(node.path("text").asText(), node.path("diffJson").asText())
        .link(node.path("link").asText())
        .period(
            Instant.parse(node.path("startsAt").asText()),
            node.path("endsAt").isNull() || node.path("endsAt").isMissingNode()
                ? null
                : Instant.parse(node.path("endsAt").asText()))
        .labels(labels)
        .incidents(incidents)
        .build();
  }

  /** Counts in severity order (MISSING first), zeros left out. */
  static Map<String, Integer> orderedCounts(Map<String, Integer> counts) {
    Map<String, Integer> ordered = new LinkedHashMap<>();
    for (StatusType type : StatusType.values()) {
      Integer n = counts.get(type.name());
      if (n != null && n > 0) {
        ordered.put(type.name(), n);
      }
    }
    counts.forEach((k, v) -> ordered.putIfAbsent(k, v));
    return ordered;
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  static JsonNode read(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The grouped diff as a JSON tree, or an empty object when there is none or it is not JSON. */
  static JsonNode diffTree(String diffJson) {
    if (diffJson == null || diffJson.isBlank()) {
      return MAPPER.createObjectNode();
    }
    try {
      return MAPPER.readTree(diffJson);
    } catch (JsonProcessingException e) {
      return MAPPER.createObjectNode();
    }
  }
}
