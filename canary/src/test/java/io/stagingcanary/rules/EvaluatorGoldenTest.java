package io.stagingcanary.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.diff.Diff;
import io.stagingcanary.diff.DiffResult;
import io.stagingcanary.diff.ObservedState;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Golden cases: each YAML file under {@code rules/cases} holds a policy, the tenants' labels, the
 * sentinels with what happened to them during the run, and the expected verdict and violations.
 */
class EvaluatorGoldenTest {

  static final Map<String, String> API_VERSIONS =
      Map.of(
          "Project", "project.openshift.io/v1",
          "User", "user.openshift.io/v1",
          "Identity", "user.openshift.io/v1",
          "ClusterRole", "rbac.authorization.k8s.io/v1",
          "Deployment", "apps/v1");

  static Stream<Path> cases() throws IOException, URISyntaxException {
    Path dir = Path.of(EvaluatorGoldenTest.class.getResource("/rules/cases").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  @SuppressWarnings("unchecked")
  void verdictMatchesTheCase(Path file) throws IOException {
    Map<String, Object> doc;
    try (InputStream in = Files.newInputStream(file)) {
      doc = new Yaml().load(in);
    }
    String tool = file.getFileName().toString().replace(".yaml", "");
    ToolPolicy policy =
        doc.containsKey("policy") ? PolicyReader.read(tool, doc.get("policy")) : null;
    Map<String, Map<String, String>> tenants = new HashMap<>();
    ((Map<String, Map<String, Object>>) doc.get("tenants"))
        .forEach((t, labels) -> tenants.put(t, strings(labels)));

    List<ObservedState> before = new ArrayList<>();
    List<ObservedState> after = new ArrayList<>();
    Set<String> kinds = new HashSet<>();
    Map<String, String> blind = new HashMap<>();
    Set<ResourceKey> keys = new HashSet<>();
    int uid = 0;
    for (Map<String, Object> s : (List<Map<String, Object>>) doc.get("sentinels")) {
      String kind = (String) s.get("kind");
      ResourceKey key =
          new ResourceKey(
              API_VERSIONS.getOrDefault(kind, "v1"),
              kind,
              (String) s.get("namespace"),
              (String) s.get("name"));
      String tenant = (String) s.get("tenant");
      Map<String, String> labels = new LinkedHashMap<>(tenants.get(tenant));
      labels.put(Diff.SET_LABEL, "golden");
      labels.put(Diff.TENANT_LABEL, tenant);
      labels.put("stagingcanary.io/sentinel", "true");
      String id = "uid-" + uid++;
      before.add(state(key, id, labels, "original"));
      kinds.add(Snapshot.kindOf(key));
      keys.add(key);
      switch ((String) s.getOrDefault("after", "present")) {
        case "present" -> after.add(state(key, id, labels, "original"));
        case "modified" -> after.add(state(key, id, labels, "changed by the tool"));
        case "missing" -> {}
        case "unknown" -> blind.put(Snapshot.kindOf(key), "forbidden (403)");
        default -> throw new IllegalArgumentException("after: " + s.get("after"));
      }
    }
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    Snapshot beforeSnapshot = Snapshot.of(t0, before, kinds, Map.of());
    Set<String> observedAfter = new HashSet<>(kinds);
    observedAfter.removeAll(blind.keySet());
    Snapshot afterSnapshot = Snapshot.of(t0.plusSeconds(60), after, observedAfter, blind);
    DiffResult diff = Diff.between(beforeSnapshot, afterSnapshot, keys);

    Verdict verdict = Evaluator.evaluate(policy, diff, tenants);

    Map<String, Object> expect = (Map<String, Object>) doc.get("expect");
    assertThat(verdict.name()).as(file.getFileName().toString()).isEqualTo(expect.get("verdict"));
    List<String> expected = new ArrayList<>();
    for (Map<String, String> v : (List<Map<String, String>>) expect.get("violations")) {
      expected.add(v.get("rule") + " " + v.getOrDefault("sentinel", v.get("happened")));
    }
    List<String> actual = new ArrayList<>();
    if (verdict instanceof Verdict.Fail fail) {
      fail.violations()
          .forEach(
              v ->
                  actual.add(
                      v.rule() + " " + (v.sentinel() == null ? v.happened() : v.sentinel())));
    }
    assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    if (expect.containsKey("warnings")) {
      assertThat(verdict.warnings()).hasSize((Integer) expect.get("warnings"));
    }
  }

  private static ObservedState state(
      ResourceKey key, String uid, Map<String, String> labels, String value) {
    return new ObservedState(
        key,
        uid,
        "1",
        labels,
        Map.of(),
        Map.of("data", Map.of("value", value)),
        null,
        null,
        null,
        null);
  }

  private static Map<String, String> strings(Map<String, Object> map) {
    Map<String, String> result = new LinkedHashMap<>();
    map.forEach((k, v) -> result.put(k, String.valueOf(v)));
    return result;
  }
}
