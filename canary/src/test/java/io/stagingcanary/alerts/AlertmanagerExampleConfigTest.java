package io.stagingcanary.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/alertmanager/alertmanager.yml: {@code amtool check-config} passes, every receiver it
 * routes to has a target (the default and the dead man's switch included), and its inhibit rules
 * name only alerts that exist; no Prometheus rule is named like an agent alert. The real
 * Alertmanager runs it in AgentOnePageIT.
 */
class AlertmanagerExampleConfigTest {

  static final Set<String> AGENT_ALERTS =
      Set.of(Alert.SENTINEL_LOSS, Alert.TOOL_RUN_VIOLATION, Alert.CANARY_BLIND);

  static Optional<Path> amtool() {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(dir -> !dir.isBlank())
        .map(dir -> Path.of(dir, "amtool"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  @Test
  void amtoolChecksTheShippedConfig() throws Exception {
    Optional<Path> amtool = amtool();
    if (amtool.isEmpty()) {
      if ("true".equals(System.getenv("CANARY_CONTROL_PLANE_REQUIRED"))) {
        throw new IllegalStateException("amtool not found (package prometheus-alertmanager)");
      }
      Assumptions.abort("amtool not found (package prometheus-alertmanager)");
    }
    Process process =
        new ProcessBuilder(
                amtool.get().toString(), "check-config", ExampleAlertmanagerConfig.FILE.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("SUCCESS").contains("5 inhibit rules");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyRouteEndsAtAReceiverWithATargetAndTheDeadMansSwitchPages() throws IOException {
    Map<String, Object> config = ExampleAlertmanagerConfig.load();
    Map<String, Object> route = (Map<String, Object>) config.get("route");
    Map<String, Map<String, Object>> receivers = new java.util.TreeMap<>();
    for (Map<String, Object> r : (List<Map<String, Object>>) config.get("receivers")) {
      receivers.put((String) r.get("name"), r);
    }
    List<String> routed = new ArrayList<>();
    routed.add((String) route.get("receiver"));
    String deadMansSwitch = null;
    for (Map<String, Object> child : (List<Map<String, Object>>) route.get("routes")) {
      routed.add((String) child.get("receiver"));
      if (((List<String>) child.get("matchers")).contains("alertname=\"StagingCanaryDown\"")) {
        deadMansSwitch = (String) child.get("receiver");
      }
    }
    assertThat(deadMansSwitch).as("a route for StagingCanaryDown").isNotNull();
    assertThat(receivers.get(deadMansSwitch)).containsKey("pagerduty_configs");
    for (String name : routed) {
      assertThat(receivers).containsKey(name);
      assertThat(receivers.get(name).keySet())
          .as("receiver %s has a target", name)
          .anyMatch(k -> k.endsWith("_configs"));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void inhibitRulesNameExistingAlertsAndNeverTheDeadMansSwitch() throws IOException {
    Set<String> known = new TreeSet<>(AGENT_ALERTS);
    Set<String> rules = ruleAlerts();
    known.addAll(rules);
    assertThat(rules)
        .as("rules named like an agent alert")
        .doesNotContainAnyElementsOf(AGENT_ALERTS);
    Map<String, Object> config = ExampleAlertmanagerConfig.load();
    Pattern name = Pattern.compile("alertname=~?\"([^\"]+)\"");
    for (Map<String, Object> rule : (List<Map<String, Object>>) config.get("inhibit_rules")) {
      for (String side : List.of("source_matchers", "target_matchers")) {
        for (String matcher : (List<String>) rule.get(side)) {
          Matcher m = name.matcher(matcher);
          if (m.matches()) {
            for (String alert : m.group(1).split("\\|")) {
              assertThat(known).as(matcher).contains(alert);
              if (side.equals("target_matchers")) {
                assertThat(alert).isNotEqualTo("StagingCanaryDown");
              }
            }
          }
        }
      }
      assertThat((List<String>) rule.get("equal")).contains("cluster");
    }
  }

  @SuppressWarnings("unchecked")
  static Set<String> ruleAlerts() throws IOException {
    Map<String, Object> rules =
        (Map<String, Object>)
            new Yaml()
                .load(Files.readString(Path.of("../deploy/prometheus/staging-canary.rules.yaml")));
    Set<String> names = new TreeSet<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        if (rule.containsKey("alert")) {
          names.add((String) rule.get("alert"));
        }
      }
    }
    return names;
  }
}
