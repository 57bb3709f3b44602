package io.stagingcanary.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * deploy/prometheus: the plain rules file is the source, the PrometheusRule carries the same
 * groups, {@code promtool check rules} and {@code promtool test rules} pass, every alert has a unit
 * test that fires it and one that does not, and the alerts query only catalogued metrics.
 */
class PrometheusRulesTest {

  static final Path DIR = Path.of("deploy/prometheus");
  static final Path TESTS = DIR.resolve("tests/staging-canary.rules.test.yaml");

  final Path root = MetricsCatalog.repositoryRoot();

  @Test
  void promtoolChecksTheRules() {
    Promtool.Result result =
        Promtool.run(root.resolve(DIR), null, "check", "rules", "staging-canary.rules.yaml");
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("SUCCESS: " + (QueriedMetrics.alerts().size() + recordingRules()) + " rules");
  }

  /** Recording rules, such as the SnapshotsStale threshold. */
  @SuppressWarnings("unchecked")
  private static long recordingRules() {
    Map<String, Object> rules = QueriedMetrics.yaml(DIR.resolve("staging-canary.rules.yaml"));
    return ((List<Map<String, Object>>) rules.get("groups"))
        .stream()
            .flatMap(g -> ((List<Map<String, Object>>) g.get("rules")).stream())
            .filter(r -> r.containsKey("record"))
            .count();
  }

  @Test
  void promtoolUnitTestsOfTheAlertsPass() {
    Promtool.Result result =
        Promtool.run(
            root.resolve(DIR), null, "test", "rules", "tests/staging-canary.rules.test.yaml");
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyAlertHasATestThatFiresItAndOneThatDoesNot() {
    Set<String> fired = new TreeSet<>();
    Set<String> quiet = new TreeSet<>();
    Map<String, Object> tests = QueriedMetrics.yaml(TESTS);
    assertThat((List<String>) tests.get("rule_files"))
        .containsExactly("../staging-canary.rules.yaml");
    for (Map<String, Object> test : (List<Map<String, Object>>) tests.get("tests")) {
      for (Map<String, Object> check :
          (List<Map<String, Object>>) test.getOrDefault("alert_rule_test", List.of())) {
        List<?> expected = (List<?>) check.get("exp_alerts");
        String alert = (String) check.get("alertname");
        (expected == null || expected.isEmpty() ? quiet : fired).add(alert);
      }
    }
    Set<String> alerts = QueriedMetrics.alerts().keySet();
    assertThat(alerts)
        .contains(
            "StagingCanaryDown",
            "StagingCanaryBlind",
            "SentinelLossOpen",
            "VerificationStale",
            "AlertDeliveryFailing",
            "ToolRunFailed",
            "SentinelEnvironmentReset",
            "SnapshotsStale");
    assertThat(fired).as("alerts a unit test fires").isEqualTo(alerts);
    assertThat(quiet).as("alerts a unit test expects silent").isEqualTo(alerts);
  }

  @Test
  @SuppressWarnings("unchecked")
  void thePrometheusRuleCarriesExactlyTheGroupsOfThePlainFile() {
    Map<String, Object> plain = QueriedMetrics.yaml(DIR.resolve("staging-canary.rules.yaml"));
    Map<String, Object> operator = QueriedMetrics.yaml(DIR.resolve("prometheusrule.yaml"));
    assertThat(operator.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
    assertThat(operator.get("kind")).isEqualTo("PrometheusRule");
    assertThat(((Map<String, Object>) operator.get("metadata")).get("name"))
        .isEqualTo("staging-canary");
    assertThat(((Map<String, Object>) operator.get("spec")).get("groups"))
        .as(
            "prometheusrule.yaml spec.groups must equal staging-canary.rules.yaml groups:"
                + " copy the groups block indented under spec")
        .isEqualTo(plain.get("groups"));

    Map<String, Object> kustomization = QueriedMetrics.yaml(DIR.resolve("kustomization.yaml"));
    assertThat((List<String>) kustomization.get("resources"))
        .containsExactly("prometheusrule.yaml");
  }

  @Test
  void alertsQueryOnlyCataloguedMetrics() {
    MetricsCatalog catalog = MetricsCatalog.load();
    QueriedMetrics.alerts()
        .forEach(
            (alert, expr) ->
                assertThat(MetricsCatalog.canaryNamesIn(expr))
                    .as("metrics of %s", alert)
                    .isNotEmpty()
                    .allSatisfy(name -> assertThat(catalog.familyOf(name)).as(name).isNotNull()));
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyAlertLinksItsOwnRunbookSectionWithTheAgentsBase() throws IOException {
    String runbook = Files.readString(root.resolve("docs/runbook.md"));
    Map<String, Object> rules = QueriedMetrics.yaml(DIR.resolve("staging-canary.rules.yaml"));
    for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        if (!rule.containsKey("alert")) {
          continue;
        }
        String alert = (String) rule.get("alert");
        Map<String, Object> annotations = (Map<String, Object>) rule.get("annotations");
        assertThat(annotations.get("runbook_url"))
            .as(alert)
            .isEqualTo(
                io.stagingcanary.alerts.AlertsProperties.DEFAULT_RUNBOOK
                    + "#"
                    + alert.toLowerCase(java.util.Locale.ROOT));
        assertThat(runbook).as("runbook section of " + alert).contains("\n## " + alert + "\n");
      }
    }
    for (String agentAlert : List.of("SentinelLoss", "ToolRunViolation", "SentinelCanaryBlind")) {
      assertThat(runbook)
          .as("runbook section of " + agentAlert)
          .contains("\n## " + agentAlert + "\n");
    }
  }

  @Test
  void everyAlertIsInTheReadmeTable() throws IOException {
    String readme = Files.readString(root.resolve(DIR).resolve("README.md"));
    assertThat(QueriedMetrics.alerts().keySet())
        .allSatisfy(alert -> assertThat(readme).contains("| `" + alert + "` |"));
  }
}
