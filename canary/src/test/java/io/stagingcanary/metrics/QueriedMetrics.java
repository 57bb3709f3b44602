package io.stagingcanary.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/** The PromQL the repository ships: alert expressions and dashboard queries, by where they are. */
final class QueriedMetrics {

  static final Path RULES = Path.of("deploy/prometheus/staging-canary.rules.yaml");
  static final Path DASHBOARDS = Path.of("grafana/dashboards");

  private QueriedMetrics() {}

  /** "file: alert or panel" → PromQL expression. */
  static Map<String, String> expressions() {
    Map<String, String> expressions = new TreeMap<>();
    alerts().forEach((alert, expr) -> expressions.put(RULES + ": " + alert, expr));
    dashboards()
        .forEach(
            (file, dashboard) -> {
              List<String> found = new ArrayList<>();
              collectExpressions(dashboard, found);
              for (int i = 0; i < found.size(); i++) {
                expressions.put(file + ": query " + i, found.get(i));
              }
            });
    return expressions;
  }

  /** Every {@code canary_*} name the rules and dashboards query. */
  static TreeSet<String> canaryNames() {
    TreeSet<String> names = new TreeSet<>();
    expressions().values().forEach(e -> names.addAll(MetricsCatalog.canaryNamesIn(e)));
    return names;
  }

  /** Alert name → expression, from the plain rules file. */
  @SuppressWarnings("unchecked")
  static Map<String, String> alerts() {
    Map<String, Object> rules = yaml(RULES);
    Map<String, String> alerts = new TreeMap<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        if (rule.containsKey("alert")) {
          alerts.put((String) rule.get("alert"), String.valueOf(rule.get("expr")));
        }
      }
    }
    return alerts;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> yaml(Path relative) {
    try {
      return (Map<String, Object>)
          new Yaml().load(Files.readString(MetricsCatalog.repositoryRoot().resolve(relative)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Dashboard file (relative) → parsed JSON. */
  static Map<String, JsonNode> dashboards() {
    Path dir = MetricsCatalog.repositoryRoot().resolve(DASHBOARDS);
    Map<String, JsonNode> dashboards = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return dashboards;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        dashboards.put(
            DASHBOARDS.resolve(file.getFileName()).toString(),
            new ObjectMapper().readTree(file.toFile()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dashboards;
  }

  /** Every {@code expr} of targets and annotations, and every {@code query} of templating. */
  static void collectExpressions(JsonNode node, List<String> found) {
    if (node.isObject()) {
      boolean queryVariable = node.path("type").asText().equals("query");
      node.properties()
          .forEach(
              field -> {
                JsonNode value = field.getValue();
                if (field.getKey().equals("expr") && value.isTextual()) {
                  found.add(value.asText());
                } else if (field.getKey().equals("query") && value.isTextual()) {
                  if (queryVariable) {
                    found.add(value.asText());
                  }
                } else if (field.getKey().equals("query") && value.isObject()) {
                  if (value.path("query").isTextual()) {
                    found.add(value.path("query").asText());
                  }
                } else {
                  collectExpressions(value, found);
                }
              });
    } else if (node.isArray()) {
      node.forEach(child -> collectExpressions(child, found));
    }
  }
}
