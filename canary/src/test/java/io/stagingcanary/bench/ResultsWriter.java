package io.stagingcanary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the results: {@code bench-results.json} (one object per target, keyed {@code sandbox} and
 * {@code real}, with the numeric keys of {@link #REQUIRED_KEYS}; a skipped target is {@code
 * {"skipped": reason}}; top-level {@code kubectl_get_diff_s}; {@code growth}, one object per target
 * and size) and {@code bench-results.md} (a summary against the targets, then a table per target).
 * An unmeasured number is JSON {@code null}, never left out.
 */
final class ResultsWriter {

  /** The keys every measured target object has (issue #18), in this order. */
  static final List<String> REQUIRED_KEYS =
      List.of(
          "sentinels",
          "seed_s",
          "detection_p50_ms",
          "detection_p99_ms",
          "alert_p99_ms",
          "verification_median_ms",
          "verification_max_ms",
          "verification_requests",
          "rss_mib",
          "gate_overhead_ms");

  /** Top-level key: {@code kubectl get -o json} twice and a diff, seconds. */
  static final String KUBECTL = "kubectl_get_diff_s";

  /** Upper bounds from issue #18 (for the real control plane at 10,000 sentinels). */
  static final Map<String, Double> TARGETS = targets();

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final String header;
  private final List<TargetResult> targets;
  private final List<TargetResult> growth;
  private final double kubectlGetDiffSeconds;

  /**
   * @param header the run's description (when, where, settings), Markdown
   * @param targets the result per target that the JSON's target objects show
   * @param growth every run, all targets and sizes (the growth table when more than one size)
   * @param kubectlGetDiffSeconds the obvious alternative, {@code NaN} when not measured
   */
  ResultsWriter(
      String header,
      List<TargetResult> targets,
      List<TargetResult> growth,
      double kubectlGetDiffSeconds) {
    this.header = header;
    this.targets = List.copyOf(targets);
    this.growth = List.copyOf(growth);
    this.kubectlGetDiffSeconds = kubectlGetDiffSeconds;
  }

  void write(Path markdown, Path json) throws IOException {
    Path parent = markdown.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(markdown, markdown());
    Files.writeString(json, json() + "\n");
  }

  String json() throws IOException {
    ObjectNode root = JSON.createObjectNode();
    number(root, KUBECTL, kubectlGetDiffSeconds);
    for (TargetResult result : targets) {
      root.set(result.target(), targetNode(result));
    }
    ArrayNode rows = root.putArray("growth");
    for (TargetResult result : growth) {
      if (!result.isSkipped()) {
        ObjectNode node = targetNode(result);
        node.put("target", result.target());
        rows.add(node);
      }
    }
    return JSON.writeValueAsString(root);
  }

  private static ObjectNode targetNode(TargetResult result) {
    ObjectNode node = JSON.createObjectNode();
    if (result.isSkipped()) {
      node.put("skipped", result.skipReason());
      return node;
    }
    for (String key : REQUIRED_KEYS) {
      number(node, key, result.get(key));
    }
    result.metrics().forEach((key, value) -> number(node, key, value));
    return node;
  }

  private static void number(ObjectNode node, String key, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      node.putNull(key);
    } else if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      node.put(key, (long) value);
    } else {
      node.put(key, Math.round(value * 10) / 10.0);
    }
  }

  String markdown() {
    StringBuilder out = new StringBuilder(header).append("\n\n");
    out.append(summary()).append('\n');
    for (TargetResult result : targets) {
      out.append("### Target `").append(result.target()).append("`\n\n");
      if (result.isSkipped()) {
        out.append("Skipped: ").append(result.skipReason()).append("\n\n");
        continue;
      }
      if (!result.description().isBlank()) {
        out.append(result.description()).append("\n\n");
      }
      out.append("| Measurement | Result | Target | Verdict |\n|---|---|---|---|\n");
      for (TargetResult.Row row : result.rows()) {
        out.append("| ")
            .append(row.measurement())
            .append(" | ")
            .append(row.result())
            .append(" | ")
            .append(row.target())
            .append(" | ")
            .append(row.verdict())
            .append(" |\n");
      }
      if (!result.notes().isEmpty()) {
        out.append('\n');
        result.notes().forEach(n -> out.append("- ").append(n).append('\n'));
      }
      out.append('\n');
    }
    if (growth.stream().filter(r -> !r.isSkipped()).count() > targets.size()) {
      out.append(growthTable()).append('\n');
    }
    return out.toString();
  }

  /** The JSON keys side by side per target, with the targets and a verdict each. */
  String summary() {
    StringBuilder out = new StringBuilder("| Key | Target |");
    StringBuilder rule = new StringBuilder("|---|---|");
    for (TargetResult result : targets) {
      out.append(" `").append(result.target()).append("` |");
      rule.append("---|");
    }
    out.append('\n').append(rule).append('\n');
    List<String> keys = new java.util.ArrayList<>(REQUIRED_KEYS);
    for (TargetResult result : targets) {
      result.metrics().keySet().stream()
          .filter(k -> !keys.contains(k) && !k.equals(KUBECTL))
          .forEach(keys::add);
    }
    for (String key : keys) {
      Double bound = TARGETS.get(key);
      out.append("| `").append(key).append("` | ");
      out.append(bound == null ? "—" : "≤ " + format(bound)).append(" |");
      for (TargetResult result : targets) {
        if (result.isSkipped()) {
          out.append(" skipped |");
          continue;
        }
        double value = result.get(key);
        out.append(' ').append(Double.isNaN(value) ? "n/a" : format(value));
        if (bound != null && !Double.isNaN(value)) {
          out.append(value <= bound ? " (met)" : " (**missed**)");
        }
        out.append(" |");
      }
      out.append('\n');
    }
    out.append("| `").append(KUBECTL).append("` (the obvious alternative) | — |");
    for (TargetResult result : targets) {
      double value = result.isSkipped() ? Double.NaN : result.get(KUBECTL);
      out.append(' ').append(format(value));
      if (!Double.isNaN(value) && value == kubectlGetDiffSeconds) {
        out.append(" (top level)");
      }
      out.append(" |");
    }
    out.append('\n');
    return out.toString();
  }

  String growthTable() {
    StringBuilder out =
        new StringBuilder(
            "### Growth\n\n| Target | Sentinels | Seed | RSS | Verification median / max"
                + " (requests) | Detection p50 / p99 | Alert p99 |\n|---|---|---|---|---|---|---|\n");
    for (TargetResult r : growth) {
      if (r.isSkipped()) {
        continue;
      }
      out.append(
          String.format(
              Locale.ROOT,
              "| `%s` | %,d | %s s | %s MiB | %s / %s ms (%s) | %s / %s ms | %s ms |%n",
              r.target(),
              (long) r.get("sentinels"),
              format(r.get("seed_s")),
              format(r.get("rss_mib")),
              format(r.get("verification_median_ms")),
              format(r.get("verification_max_ms")),
              format(r.get("verification_requests")),
              format(r.get("detection_p50_ms")),
              format(r.get("detection_p99_ms")),
              format(r.get("alert_p99_ms"))));
    }
    return out.toString();
  }

  static String format(double value) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    if (value == Math.rint(value)) {
      return String.format(Locale.ROOT, "%,d", (long) value);
    }
    return String.format(Locale.ROOT, "%,.1f", value);
  }

  private static Map<String, Double> targets() {
    Map<String, Double> targets = new LinkedHashMap<>();
    targets.put("detection_p99_ms", 250.0);
    targets.put("alert_p99_ms", 500.0);
    targets.put("verification_max_ms", 2000.0);
    targets.put("rss_mib", 384.0);
    targets.put("gate_overhead_ms", 300.0);
    return Map.copyOf(targets);
  }
}
