package io.stagingcanary.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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

  static final String DASHBOARD = "grafana/dashboards/staging-canary.json";

  /** The copy for Grafana's UI import (outside dashboards/: provisioning would load it twice). */
  static final String IMPORT = "grafana/import/staging-canary.json";

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
  void variablesDefaultToTheProvisionedDataSourceAndNameTheAgentAndTheRunbook() {
    JsonNode dashboard = dashboards.get(DASHBOARD);
    Map<String, JsonNode> variables = variables(dashboard);
    assertThat(variables).containsOnlyKeys("datasource", "cluster", "agent", "runbook");
    JsonNode datasource = variables.get("datasource");
    assertThat(datasource.path("type").asText()).isEqualTo("datasource");
    assertThat(datasource.path("query").asText()).isEqualTo("prometheus");
    // With several Prometheus data sources the dashboard opens on the provisioned one, by uid.
    assertThat(datasource.at("/current/value").asText()).isEqualTo(provisionedDataSourceUid());
    assertThat(variables.get("cluster").path("type").asText()).isEqualTo("query");
    assertThat(variables.get("cluster").path("datasource").path("uid").asText())
        .isEqualTo("${datasource}");
    for (String name : List.of("agent", "runbook")) {
      JsonNode variable = variables.get(name);
      assertThat(variable.path("type").asText()).as(name).isEqualTo("textbox");
      assertThat(variable.path("query").asText()).as(name).startsWith("http");
      assertThat(variable.at("/current/value").asText())
          .as(name)
          .isEqualTo(variable.path("query").asText());
    }
  }

  @Test
  void annotationsAreCurrentFormatQueriesOfTheChosenDataSource() {
    JsonNode dashboard = dashboards.get(DASHBOARD);
    Map<String, JsonNode> annotations = new LinkedHashMap<>();
    dashboard
        .path("annotations")
        .path("list")
        .forEach(a -> annotations.put(a.path("name").asText(), a));
    assertThat(annotations).containsKeys("Tool deployments", "Tool runs", "Maintenance windows");
    annotations.forEach(
        (name, annotation) -> {
          if (annotation.path("builtIn").asInt() == 1) {
            return;
          }
          checkDataSource("annotation " + name, annotation.path("datasource"));
          // Grafana 10+ keeps the query in target; top-level expr/step are the legacy form.
          assertThat(annotation.has("expr")).as("%s: legacy top-level expr", name).isFalse();
          assertThat(annotation.has("step")).as("%s: legacy top-level step", name).isFalse();
          assertThat(annotation.at("/target/expr").asText()).as(name).isNotBlank();
          assertThat(annotation.at("/target/refId").asText()).as(name).isNotBlank();
          assertThat(annotation.at("/target/interval").asText()).as(name).matches("\\d+[smh]");
          assertThat(annotation.path("titleFormat").asText()).as(name).isNotBlank();
        });
  }

  @Test
  void linksOpenTheAgentsPagesAndEachAlertsRunbookSection() throws IOException {
    JsonNode dashboard = dashboards.get(DASHBOARD);
    List<String> dashboardLinks = new ArrayList<>();
    dashboard.path("links").forEach(l -> dashboardLinks.add(l.path("url").asText()));
    assertThat(dashboardLinks)
        .contains("${agent}/api/v1/incidents", "${agent}/api/v1/status", "${runbook}");
    List<String> panelLinks = new ArrayList<>();
    for (JsonNode panel : allPanels(dashboard)) {
      panel.path("links").forEach(l -> panelLinks.add(l.path("url").asText()));
    }
    assertThat(panelLinks).contains("${agent}/api/v1/incidents", "${runbook}#sentinelloss");

    String api = Files.readString(MetricsCatalog.repositoryRoot().resolve("docs/api.md"));
    Set<String> anchors = new TreeSet<>();
    List<String> all = new ArrayList<>(dashboardLinks);
    all.addAll(panelLinks);
    for (String url : all) {
      if (url.startsWith("${agent}/")) {
        String path = url.substring("${agent}".length());
        assertThat(api).as("%s is a documented GET endpoint", path).contains("`GET " + path);
      } else if (url.startsWith("${runbook}#")) {
        anchors.add(url.substring("${runbook}#".length()));
      } else {
        assertThat(url).as("a link goes to the agent or the runbook").isEqualTo("${runbook}");
      }
    }
    Set<String> alerts = new TreeSet<>();
    QueriedMetrics.alerts().keySet().forEach(a -> alerts.add(a.toLowerCase(Locale.ROOT)));
    Matcher agentAlert =
        Pattern.compile("static final String \\w+ = \"([A-Z][A-Za-z]+)\";")
            .matcher(
                Files.readString(
                    MetricsCatalog.repositoryRoot()
                        .resolve("canary/src/main/java/io/stagingcanary/alerts/Alert.java")));
    while (agentAlert.find()) {
      alerts.add(agentAlert.group(1).toLowerCase(Locale.ROOT));
    }
    assertThat(alerts).as("alert names found").contains("sentinelloss", "stagingcanarydown");
    assertThat(anchors).isNotEmpty();
    assertThat(alerts).as("every runbook anchor is an alert's name").containsAll(anchors);
    Path runbook = MetricsCatalog.repositoryRoot().resolve("docs/runbook.md");
    if (Files.isRegularFile(runbook)) {
      Set<String> headings = new TreeSet<>();
      Files.readString(runbook)
          .lines()
          .filter(l -> l.startsWith("#"))
          .map(l -> l.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT))
          .forEach(headings::add);
      assertThat(headings)
          .as("docs/runbook.md has a section per linked alert")
          .containsAll(anchors);
    }
  }

  @Test
  void theImportCopyIsTheProvisionedDashboardWithInputsForTheUi() throws IOException {
    JsonNode provisioned = dashboards.get(DASHBOARD);
    String text = Files.readString(MetricsCatalog.repositoryRoot().resolve(IMPORT));
    ObjectNode imported = (ObjectNode) new ObjectMapper().readTree(text);

    Map<String, JsonNode> inputs = new LinkedHashMap<>();
    imported.path("__inputs").forEach(i -> inputs.put(i.path("name").asText(), i));
    assertThat(inputs).containsOnlyKeys("DS_PROMETHEUS", "VAR_AGENT", "VAR_RUNBOOK");
    assertThat(inputs.get("DS_PROMETHEUS").path("type").asText()).isEqualTo("datasource");
    assertThat(inputs.get("DS_PROMETHEUS").path("pluginId").asText()).isEqualTo("prometheus");
    Map<String, JsonNode> variables = variables(provisioned);
    for (String name : List.of("agent", "runbook")) {
      JsonNode input = inputs.get("VAR_" + name.toUpperCase(Locale.ROOT));
      assertThat(input.path("type").asText()).isEqualTo("constant");
      assertThat(input.path("value").asText())
          .isEqualTo(variables.get(name).path("query").asText());
    }
    for (String name : inputs.keySet()) {
      assertThat(text).as("input %s is used", name).contains("${" + name + "}");
    }
    assertThat(imported.path("__requires").findValuesAsText("id"))
        .contains("grafana", "prometheus");

    // Undo what import substitutes: the rest is the provisioned file, byte for byte in meaning.
    imported.remove(List.of("__inputs", "__requires"));
    for (JsonNode variable : imported.path("templating").path("list")) {
      JsonNode original = variables.get(variable.path("name").asText());
      ((ObjectNode) variable).set("current", original.path("current"));
      if (variable.has("options")) {
        ((ObjectNode) variable).set("options", original.path("options"));
      }
      if (original.path("query").isTextual()) {
        ((ObjectNode) variable).set("query", original.path("query"));
      }
    }
    assertThat(imported)
        .as(
            "%s is %s plus __inputs (regenerate it with the jq command in grafana/README.md)",
            IMPORT, DASHBOARD)
        .isEqualTo(provisioned);
  }

  private static Map<String, JsonNode> variables(JsonNode dashboard) {
    Map<String, JsonNode> variables = new LinkedHashMap<>();
    dashboard
        .path("templating")
        .path("list")
        .forEach(v -> variables.put(v.path("name").asText(), v));
    return variables;
  }

  @SuppressWarnings("unchecked")
  private static String provisionedDataSourceUid() {
    Map<String, Object> sources =
        QueriedMetrics.yaml(Path.of("grafana/provisioning/datasources/staging-canary.yaml"));
    return (String) ((List<Map<String, Object>>) sources.get("datasources")).get(0).get("uid");
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
        .satisfies(d -> assertThat(d.get("type")).isEqualTo("prometheus"))
        .satisfies(d -> assertThat(d.get("uid")).isEqualTo("staging-canary-prometheus"));

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
