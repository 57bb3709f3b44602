package io.stagingcanary.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The results format of the benchmark cannot rot: keys, numbers, one object per target. */
class ResultsWriterTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void jsonHasOneObjectPerTargetWithEveryKeyNumeric() throws Exception {
    TargetResult sandbox = measured("sandbox", 1000, 120);
    TargetResult real = measured("real", 1000, 310);
    real.put("burst_paged_ms", 6200.4);

    JsonNode json = write(List.of(sandbox, real), List.of(sandbox, real), 3.7);

    assertThat(json.path("kubectl_get_diff_s").isNumber()).isTrue();
    assertThat(json.path("kubectl_get_diff_s").asDouble()).isEqualTo(3.7);
    for (String target : List.of("sandbox", "real")) {
      JsonNode object = json.path(target);
      assertThat(object.isObject()).as(target).isTrue();
      for (String key : ResultsWriter.REQUIRED_KEYS) {
        assertThat(object.path(key).isNumber()).as(target + "." + key).isTrue();
      }
    }
    assertThat(json.path("sandbox").path("sentinels").asInt()).isEqualTo(1000);
    assertThat(json.path("real").path("detection_p99_ms").asDouble()).isEqualTo(310);
    assertThat(json.path("real").path("burst_paged_ms").asDouble()).isEqualTo(6200.4);
    assertThat(json.path("growth")).hasSize(2);
  }

  @Test
  void anUnmeasuredNumberIsNullNotMissingAndASkippedTargetSaysWhy() throws Exception {
    TargetResult sandbox = TargetResult.measured("sandbox");
    sandbox.put("sentinels", 1000);
    sandbox.put("alert_p99_ms", Double.NaN);
    TargetResult real = TargetResult.skipped("real", "binaries [etcd] not found");

    JsonNode json = write(List.of(sandbox, real), List.of(sandbox, real), Double.NaN);

    for (String key : ResultsWriter.REQUIRED_KEYS) {
      assertThat(json.path("sandbox").has(key)).as(key).isTrue();
    }
    assertThat(json.path("sandbox").path("alert_p99_ms").isNull()).isTrue();
    assertThat(json.path("sandbox").path("seed_s").isNull()).isTrue();
    assertThat(json.path("real").path("skipped").asText()).contains("not found");
    assertThat(json.path("kubectl_get_diff_s").isNull()).isTrue();
    assertThat(json.path("growth")).hasSize(1);
  }

  @Test
  void markdownNamesEveryTargetAndTheMissedTargets() throws Exception {
    TargetResult sandbox = measured("sandbox", 1000, 120);
    sandbox.row("Seed", "1.0 s", "—", "—");
    TargetResult real = measured("real", 1000, 310);

    new ResultsWriter("Run now.", List.of(sandbox, real), List.of(sandbox, real), 3.7)
        .write(dir.resolve("r.md"), dir.resolve("r.json"));
    String markdown = Files.readString(dir.resolve("r.md"));

    assertThat(markdown)
        .startsWith("Run now.")
        .contains("### Target `sandbox`", "### Target `real`", "| Seed | 1.0 s | — | — |")
        .contains("| `detection_p99_ms` | ≤ 250 | 120 (met) | 310 (**missed**) |")
        .doesNotContain("### Growth");
  }

  @Test
  void growthTableListsEverySize() throws Exception {
    TargetResult small = measured("real", 1000, 100);
    TargetResult large = measured("real", 10000, 400);

    String markdown =
        new ResultsWriter("Run now.", List.of(large), List.of(small, large), 3.7).markdown();

    assertThat(markdown).contains("### Growth", "| `real` | 1,000 |", "| `real` | 10,000 |");
  }

  @Test
  void theAgentRunsWithTheJvmOptionsTheDeploymentShips() {
    String options =
        BenchSettings.deployedJvmOptions(Path.of("..").resolve(BenchSettings.DEPLOYMENT));

    assertThat(options).contains("-Xmx").doesNotContain("\"").doesNotContain("\n");
  }

  private JsonNode write(List<TargetResult> targets, List<TargetResult> growth, double kubectl)
      throws Exception {
    Path json = dir.resolve("bench-results.json");
    new ResultsWriter("Run now.", targets, growth, kubectl).write(dir.resolve("r.md"), json);
    return JSON.readTree(json.toFile());
  }

  private static TargetResult measured(String target, int sentinels, double detectionP99) {
    TargetResult result = TargetResult.measured(target);
    result.put("sentinels", sentinels);
    result.put("seed_s", 7.5);
    result.put("detection_p50_ms", 30);
    result.put("detection_p99_ms", detectionP99);
    result.put("alert_p99_ms", 1200);
    result.put("verification_median_ms", 150);
    result.put("verification_max_ms", 400);
    result.put("verification_requests", 4);
    result.put("rss_mib", 330);
    result.put("gate_overhead_ms", 120);
    return result;
  }
}
