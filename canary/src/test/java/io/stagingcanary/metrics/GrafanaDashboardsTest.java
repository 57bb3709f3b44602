package io.stagingcanary.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * grafana/: every dashboard parses, has the structure of the schema version it declares, queries
 * valid PromQL over catalogued metrics only, and the provisioning loads it. Grafana is not run.
 */
class GrafanaDashboardsTest {

  /**
   * Schema versions whose structure this test knows: flat {@code panels} with {@code gridPos} (no
   * legacy {@code rows}, since 16) and data sources as {@code {type, uid}} objects (since 33).
   */
  static final int MIN_SCHEMA = 36;

  static final int MAX_SCHEMA = 41;

  static final Set<String> PANEL_TYPES =
      Set.of(
          "row",
          "stat",
          "timeseries",
          "state-timeline",
          "barchart",
          "table",
          "gauge",
          "bargauge",
          "text",
          "heatmap");

  /** Variables Grafana defines itself. */
  static final Set<String> BUILT_IN_VARIABLES =
      Set.of("__rate_interval", "__interval", "__interval_ms", "__range", "__range_s");

  static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\((.+),\\s*[A-Za-z_][A-Za-z0-9_]*\\)");

  static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)");

  final Map<String, JsonNode> dashboards = QueriedMetrics.dashboards();

  @Test
  void theStagingCanaryDashboardIsThere() {
    assertThat(dashboards).containsKey("grafana/dashboards/staging-canary.json");
  }

  @Test
  void everyDashboardHasTheStructureOfItsSchemaVersion() {
    dashboards.forEach(
        (file, dashboard) -> {
          int schema = dashboard.path("schemaVersion").asInt(-1);
          assertThat(schema).as("%s schemaVersion", file).isBetween(MIN_SCHEMA, MAX_SCHEMA);
          assertThat(dashboard.path("uid").asText())
              .as("%s uid", file)
              .matches("[A-Za-z0-9_-]{1,40}");
          assertThat(dashboard.path("title").asText()).as("%s title", file).isNotBlank();
          assertThat(dashboard.has("rows")).as("%s uses legacy rows", file).isFalse();
          assertThat(dashboard.path("panels").isArray()).as("%s panels", file).isTrue();

          List<JsonNode> panels = allPanels(dashboard);
          assertThat(panels).as(file).isNotEmpty();
          List<Integer> ids = panels.stream().map(p -> p.path("id").asInt(-1)).toList();
          assertThat(new HashSet<>(ids)).as("%s panel ids are unique", file).hasSize(ids.size());
          assertThat(ids).as("%s panel ids", file).allMatch(id -> id > 0);
          for (JsonNode panel : panels) {
            checkPanel(file, panel);
          }
          assertNoOverlap(file, panels);
          checkVariables(file, dashboard);
        });
  }

  @Test
  void everyQueryIsValidPromQl(@TempDir Path dir) throws IOException {
    Map<String, String> expressions = dashboardExpressions();
    assertThat(expressions).isNotEmpty();
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboards\n    rules:\n");
    int i = 0;
    for (String expr : expressions.values()) {
      // A variable's label_values(selector, label) is Grafana's, not PromQL: check its selector.
      Matcher labelValues = LABEL_VALUES.matcher(expr);
      String promql = labelValues.matches() ? labelValues.group(1) : expr;
      String concrete =
          promql
              .replace("$__rate_interval", "5m")
              .replace("$__interval", "1m")
              .replace("${cluster}", "staging")
              .replace("$cluster", "staging");
      rules
          .append("      - record: dashboard_query_")
          .append(i++)
          .append("\n        expr: '")
          .append(concrete.replace("'", "''"))
          .append("'\n");
    }
    Files.writeString(dir.resolve("queries.yaml"), rules);
    Promtool.Result result = Promtool.run(dir, null, "check", "rules", "queries.yaml");
    assertThat(result.exitCode()).as(result.output() + "\n" + rules).isZero();
    assertThat(result.output()).contains("SUCCESS: " + expressions.size() + " rules");
  }

  @Test
  void everyQueryUsesOnlyCataloguedMetricsAndTheIssueIsCovered() {
    MetricsCatalog catalog = MetricsCatalog.load();
    Set<String> families = new TreeSet<>();
    dashboardExpressions()
        .forEach(
            (where, expr) -> {
              Set<String> names = MetricsCatalog.canaryNamesIn(expr);
              assertThat(names).as("canary_* metrics in %s: %s", where, expr).isNotEmpty();
              for (String name : names) {
                String family = catalog.familyOf(name);
                assertThat(family).as("%s in %s is in docs/metrics.md", name, where).isNotNull();
                families.add(family);
              }
              assertThat(expr)
                  .as("%s selects the dashboard's cluster", where)
                  .satisfiesAnyOf(
                      e -> assertThat(e).contains("cluster=\"$cluster\""),
                      e -> assertThat(e).startsWith("label_values(canary_build_info, cluster)"));
            });
    assertThat(families)
        .contains(
            "canary_agent_state",
            "canary_sentinels",
            "canary_incidents_open",
            "canary_oldest_sentinel_age_seconds",
            "canary_sentinel_losses_total",
            "canary_tool_runs_total",
            "canary_tool_deployments_total",
            "canary_detection_latency_seconds",
            "canary_verification_duration_seconds",
            "canary_alert_deliveries_total",
            "canary_alert_outbox_pending",
            "canary_maintenance_window_active");
  }

  @Test
  void variablesAreTheDataSourceAndTheCluster() {
    JsonNode dashboard = dashboards.get("grafana/dashboards/staging-canary.json");
    Map<String, JsonNode> variables = new LinkedHashMap<>();
    dashboard
        .path("templating")
        .path("list")
        .forEach(v -> variables.put(v.path("name").asText(), v));
    assertThat(variables).containsOnlyKeys("datasource", "cluster");
    assertThat(variables.get("datasource").path("type").asText()).isEqualTo("datasource");
    assertThat(variables.get("datasource").path("query").asText()).isEqualTo("prometheus");
    assertThat(variables.get("cluster").path("type").asText()).isEqualTo("query");
    assertThat(variables.get("cluster").path("datasource").path("uid").asText())
        .isEqualTo("${datasource}");
    List<String> annotations = new ArrayList<>();
    dashboard
        .path("annotations")
        .path("list")
        .forEach(a -> annotations.add(a.path("name").asText()));
    assertThat(annotations).contains("Tool deployments", "Tool runs", "Maintenance windows");
  }

  @Test
  @SuppressWarnings("unchecked")
  void provisioningLoadsTheDashboardsDirectoryAndAPrometheusDataSource() throws IOException {
    Map<String, Object> providers =
        QueriedMetrics.yaml(Path.of("grafana/provisioning/dashboards/staging-canary.yaml"));
    assertThat(providers.get("apiVersion")).isEqualTo(1);
    List<Map<String, Object>> list = (List<Map<String, Object>>) providers.get("providers");
    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("type")).isEqualTo("file");
    assertThat(((Map<String, Object>) list.get(0).get("options")).get("path"))
        .isEqualTo("$CANARY_DASHBOARDS");

    Map<String, Object> sources =
        QueriedMetrics.yaml(Path.of("grafana/provisioning/datasources/staging-canary.yaml"));
    assertThat(sources.get("apiVersion")).isEqualTo(1);
    List<Map<String, Object>> datasources = (List<Map<String, Object>>) sources.get("datasources");
    assertThat(datasources)
        .singleElement()
        .satisfies(d -> assertThat(d.get("type")).isEqualTo("prometheus"));

    String readme = Files.readString(MetricsCatalog.repositoryRoot().resolve("grafana/README.md"));
    assertThat(readme)
        .contains("CANARY_DASHBOARDS=\"$PWD/grafana/dashboards\"")
        .contains("cfg:paths.provisioning=\"$PWD/grafana/provisioning\"");
  }

  // ----

  private Map<String, String> dashboardExpressions() {
    Map<String, String> expressions = new LinkedHashMap<>();
    dashboards.forEach(
        (file, dashboard) -> {
          List<String> found = new ArrayList<>();
          QueriedMetrics.collectExpressions(dashboard, found);
          for (int i = 0; i < found.size(); i++) {
            expressions.put(file + " query " + i, found.get(i));
          }
        });
    return expressions;
  }

  static List<JsonNode> allPanels(JsonNode dashboard) {
    List<JsonNode> panels = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      panels.add(panel);
      panel.path("panels").forEach(panels::add);
    }
    return panels;
  }

  private static void checkPanel(String file, JsonNode panel) {
    String where = file + " panel " + panel.path("id").asInt() + " " + panel.path("title");
    assertThat(panel.path("type").asText()).as("%s type", where).isIn(PANEL_TYPES);
    JsonNode grid = panel.path("gridPos");
    int x = grid.path("x").asInt(-1);
    int w = grid.path("w").asInt(-1);
    assertThat(grid.path("h").asInt(-1)).as("%s gridPos.h", where).isPositive();
    assertThat(grid.path("y").asInt(-1)).as("%s gridPos.y", where).isNotNegative();
    assertThat(x).as("%s gridPos.x", where).isNotNegative();
    assertThat(w).as("%s gridPos.w", where).isBetween(1, 24);
    assertThat(x + w).as("%s fits 24 columns", where).isLessThanOrEqualTo(24);
    if (panel.path("type").asText().equals("row")) {
      assertThat(panel.has("targets")).as("%s: a row has no queries", where).isFalse();
      return;
    }
    assertThat(panel.path("title").asText()).as("%s title", where).isNotBlank();
    checkDataSource(where, panel.path("datasource"));
    JsonNode targets = panel.path("targets");
    assertThat(targets.isArray() && !targets.isEmpty()).as("%s has queries", where).isTrue();
    Set<String> refIds = new HashSet<>();
    for (JsonNode target : targets) {
      assertThat(refIds.add(target.path("refId").asText()))
          .as("%s refId %s unique and set", where, target.path("refId"))
          .isTrue();
      assertThat(target.path("refId").asText()).as(where).isNotBlank();
      assertThat(target.path("expr").asText()).as("%s expr", where).isNotBlank();
      checkDataSource(where, target.path("datasource"));
    }
  }

  /** Since schema version 33 a data source is a {type, uid} reference, never a name string. */
  private static void checkDataSource(String where, JsonNode datasource) {
    assertThat(datasource.isObject()).as("%s datasource is a {type, uid} object", where).isTrue();
    assertThat(datasource.path("type").asText()).as(where).isEqualTo("prometheus");
    assertThat(datasource.path("uid").asText()).as(where).isEqualTo("${datasource}");
  }

  private static void assertNoOverlap(String file, List<JsonNode> panels) {
    for (int i = 0; i < panels.size(); i++) {
      for (int j = i + 1; j < panels.size(); j++) {
        JsonNode a = panels.get(i).path("gridPos");
        JsonNode b = panels.get(j).path("gridPos");
        boolean overlap =
            a.path("x").asInt() < b.path("x").asInt() + b.path("w").asInt()
                && b.path("x").asInt() < a.path("x").asInt() + a.path("w").asInt()
                && a.path("y").asInt() < b.path("y").asInt() + b.path("h").asInt()
                && b.path("y").asInt() < a.path("y").asInt() + a.path("h").asInt();
        assertThat(overlap)
            .as(
                "%s: panels %s and %s overlap",
                file, panels.get(i).path("id"), panels.get(j).path("id"))
            .isFalse();
      }
    }
  }

  private static void checkVariables(String file, JsonNode dashboard) {
    Set<String> defined = new HashSet<>(BUILT_IN_VARIABLES);
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      assertThat(defined.add(variable.path("name").asText()))
          .as("%s variable %s defined once", file, variable.path("name"))
          .isTrue();
    }
    List<String> used = new ArrayList<>();
    collectStrings(dashboard.path("panels"), used);
    collectStrings(dashboard.path("annotations"), used);
    collectStrings(dashboard.path("templating"), used);
    for (String text : used) {
      Matcher matcher = VARIABLE.matcher(text);
      while (matcher.find()) {
        assertThat(defined)
            .as("%s uses $%s in %s", file, matcher.group(1), text)
            .contains(matcher.group(1));
      }
    }
  }

  private static void collectStrings(JsonNode node, List<String> strings) {
    if (node.isTextual()) {
      strings.add(node.asText());
    } else {
      node.forEach(child -> collectStrings(child, strings));
    }
  }
}
