package io.stagingcanary.runs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagingcanary.diff.DiffResult;
import io.stagingcanary.diff.Escape;
import io.stagingcanary.diff.Json;
import io.stagingcanary.diff.JsonRenderer;
import io.stagingcanary.diff.MarkdownRenderer;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.TextRenderer;
import io.stagingcanary.rules.Verdict;
import io.stagingcanary.rules.Violation;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The reports of a judged run: JSON (the API's answer), plain text (CLI, alerts), Markdown (merge
 * requests, chat) and JUnit XML (one failing test case per violation, for CI servers).
 */
final class RunReports {

  private static final String DIFF_PLACEHOLDER = "\"@@diff@@\"";
  private static final String BASELINE_PLACEHOLDER = "\"@@baseline@@\"";

  private RunReports() {}

  /**
   * Everything a report needs about one judged run.
   *
   * @param foreign the changes of the run's window made by a user other than the run's identity
   */
  record Judged(
      ToolRun run,
      Verdict verdict,
      DiffResult diff,
      List<ToolRun> overlapping,
      Duration settleWaited,
      boolean settledQuietly,
      String clusterName,
      List<ForeignChange> foreign) {

    Judged {
      foreign = foreign == null ? List.of() : List.copyOf(foreign);
    }

    /** A judged run with no change flagged as made by someone else. */
    Judged(
        ToolRun run,
        Verdict verdict,
        DiffResult diff,
        List<ToolRun> overlapping,
        Duration settleWaited,
        boolean settledQuietly,
        String clusterName) {
      this(run, verdict, diff, overlapping, settleWaited, settledQuietly, clusterName, List.of());
    }

    Instant completedAt() {
      return run.completedAt();
    }
  }

  static String attribution(List<ToolRun> overlapping) {
    if (overlapping.isEmpty()) {
      return "no other run overlapped this one";
    }
    List<String> names = overlapping.stream().map(RunReports::describeRun).toList();
    return "overlapping run(s) "
        + String.join(", ", names)
        + ": the changes in this window are attributed to every run active in it";
  }

  private static String describeRun(ToolRun r) {
    return r.id() + " (" + r.tool() + " " + r.version() + ")";
  }

  /** One line: verdict, tool, version and what it broke. */
  static String summary(Judged j) {
    String base = j.verdict().name() + ": " + j.run().tool() + " " + j.run().version();
    if (j.verdict() instanceof Verdict.Fail f) {
      Map<Violation.Rule, java.util.TreeSet<String>> tenants =
          new java.util.EnumMap<>(Violation.Rule.class);
      Map<Violation.Rule, Integer> counts = new java.util.EnumMap<>(Violation.Rule.class);
      for (Violation v : f.violations()) {
        counts.merge(v.rule(), 1, Integer::sum);
        java.util.TreeSet<String> names =
            tenants.computeIfAbsent(v.rule(), r -> new java.util.TreeSet<>());
        if (v.tenant() != null) {
          names.add(v.tenant());
        }
      }
      List<String> parts = new ArrayList<>();
      counts.forEach(
          (rule, count) ->
              parts.add(
                  rule
                      + " x"
                      + count
                      + (tenants.get(rule).isEmpty()
                          ? ""
                          : " (tenants " + String.join(", ", tenants.get(rule)) + ")")));
      return base + " broke " + f.violations().size() + " rule(s): " + String.join("; ", parts);
    }
    if (j.verdict() instanceof Verdict.Error e) {
      return base + " could not be judged: " + e.reason();
    }
    int changes = j.diff().changes().size();
    return j.run().policy() == null
        ? base + " has no policy and changed no sentinel"
        : base + " stayed within its policy (" + changes + " sentinel change(s))";
  }

  static String text(Judged j) {
    StringBuilder out = new StringBuilder();
    out.append("Verdict ")
        .append(j.verdict().name())
        .append(" for ")
        .append(j.run().tool())
        .append(' ')
        .append(j.run().version())
        .append(" (run ")
        .append(j.run().id())
        .append(", policy ")
        .append(j.run().policy() == null ? "none" : j.run().policy())
        .append(")\n");
    if (j.verdict() instanceof Verdict.Error e) {
      out.append("Could not judge: ").append(e.reason()).append('\n');
    }
    if (j.verdict() instanceof Verdict.Fail f) {
      out.append("Violations (").append(f.violations().size()).append("):\n");
      appendGrouped(out, f.violations());
    }
    j.verdict().warnings().forEach(w -> out.append("Warning: ").append(w).append('\n'));
    if (!j.foreign().isEmpty()) {
      out.append("Changed by others during the run (").append(j.foreign().size()).append("):\n");
      j.foreign()
          .forEach(
              f ->
                  out.append("  - ")
                      .append(f.key())
                      .append(": ")
                      .append(f.describe())
                      .append('\n'));
    }
    if (!j.overlapping().isEmpty()) {
      out.append("Note: ").append(attribution(j.overlapping())).append('\n');
    }
    if (!j.settledQuietly()) {
      out.append("Note: the cluster did not stay quiet within the settle limit; judged anyway\n");
    }
    out.append('\n').append(TextRenderer.render(j.diff()));
    return out.toString();
  }

  /** One line per rule and reason, the sentinels that broke it under it: short for many. */
  private static void appendGrouped(StringBuilder out, List<Violation> violations) {
    Map<String, List<Violation>> byReason = new LinkedHashMap<>();
    for (Violation v : violations) {
      byReason.computeIfAbsent(v.rule() + ": " + v.explanation(), k -> new ArrayList<>()).add(v);
    }
    byReason.forEach(
        (reason, group) -> {
          if (group.size() == 1 && group.get(0).sentinel() == null) {
            Violation v = group.get(0);
            out.append("  - ").append(v.rule()).append(": run ").append(v.happened());
            out.append(" — ").append(v.explanation()).append('\n');
            return;
          }
          out.append("  - ").append(reason).append('\n');
          for (Violation v : group) {
            out.append("      ").append(v.happened()).append("  ");
            out.append(v.sentinel() == null ? "run" : v.sentinel().toString()).append('\n');
          }
        });
  }

  static String markdown(Judged j) {
    StringBuilder out = new StringBuilder();
    out.append("## ")
        .append(j.verdict().name())
        .append(": `")
        .append(j.run().tool())
        .append("` ")
        .append(Escape.markdown(j.run().version()))
        .append("\n\nRun `")
        .append(j.run().id())
        .append("`, policy ")
        .append(j.run().policy() == null ? "none" : "`" + j.run().policy() + "`")
        .append(", cluster `")
        .append(j.clusterName())
        .append("`\n\n");
    if (j.verdict() instanceof Verdict.Error e) {
      out.append("**Could not judge:** ").append(cell(e.reason())).append("\n\n");
    }
    if (j.run().exitCode() != null && j.run().exitCode() != 0) {
      out.append("**The command failed:** it exited with ")
          .append(j.run().exitCode())
          .append(".\n\n");
    }
    if (j.verdict() instanceof Verdict.Fail f) {
      out.append(
          "| Rule | Sentinel | Tenant | What happened | Why |\n| --- | --- | --- | --- | --- |\n");
      for (Violation v : f.violations()) {
        out.append("| ")
            .append(v.rule())
            .append(" | ")
            .append(v.sentinel() == null ? "(run)" : "`" + v.sentinel() + "`")
            .append(" | ")
            .append(v.tenant() == null ? "" : "`" + v.tenant() + "`")
            .append(" | ")
            .append(cell(v.happened()))
            .append(" | ")
            .append(cell(v.explanation()))
            .append(" |\n");
      }
      out.append('\n');
    }
    j.verdict().warnings().forEach(w -> out.append("- Warning: ").append(cell(w)).append('\n'));
    for (ForeignChange f : j.foreign()) {
      out.append("- Changed by someone else: `")
          .append(f.key())
          .append("` ")
          .append(cell(f.describe()))
          .append('\n');
    }
    if (!j.overlapping().isEmpty()) {
      out.append("- Note: ").append(cell(attribution(j.overlapping()))).append('\n');
    }
    out.append('\n').append(MarkdownRenderer.render(j.diff()));
    return out.toString();
  }

  /** The stored result and the API's answer; {@code text} is included for the CLI. */
  static String json(Judged j, String text) {
    ToolRun run = j.run();
    Map<String, Object> root = runFields(run);
    root.put("summary", summary(j));
    root.put("headline", j.diff() == null ? null : io.stagingcanary.diff.Headline.of(j.diff()));
    root.put("reason", j.verdict() instanceof Verdict.Error e ? e.reason() : null);
    List<Object> violations = new ArrayList<>();
    if (j.verdict() instanceof Verdict.Fail f) {
      f.violations().forEach(v -> violations.add(violation(v)));
    }
    root.put("violations", violations);
    root.put("warnings", j.verdict().warnings());
    List<Object> foreign = new ArrayList<>();
    for (ForeignChange f : j.foreign()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("sentinel", key(f.key()));
      m.put("username", f.actor().username());
      m.put("verb", f.actor().verb());
      m.put("at", f.actor().at() == null ? null : f.actor().at().toString());
      m.put("cause", f.actor().cause());
      m.put("message", f.describe());
      foreign.add(m);
    }
    root.put("foreignChanges", foreign);
    List<Object> overlaps = new ArrayList<>();
    for (ToolRun o : j.overlapping()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", o.id());
      m.put("tool", o.tool());
      m.put("version", o.version());
      m.put("source", o.source());
      overlaps.add(m);
    }
    root.put("overlappingRuns", overlaps);
    root.put("attribution", attribution(j.overlapping()));
    Map<String, Object> settle = new LinkedHashMap<>();
    settle.put("waitedSeconds", seconds(j.settleWaited()));
    settle.put("quiet", j.settledQuietly());
    root.put("settle", settle);
    root.put("text", text);
    root.put("diff", "@@diff@@");
    String diff = j.diff() == null ? "null" : JsonRenderer.render(j.diff()).strip();
    return withBaseline(Json.pretty(root), run).replace(DIFF_PLACEHOLDER, diff) + "\n";
  }

  /**
   * A stored result with the run's on-call state: {@code incidents} (the incidents it caused,
   * merged into its violation) and {@code acknowledgement} (who acknowledged it and why, or null).
   */
  static String withOnCall(String resultJson, List<String> incidents, Acknowledgement ack) {
    try {
      ObjectMapper mapper = new ObjectMapper();
      JsonNode tree = mapper.readTree(resultJson);
      if (!(tree instanceof ObjectNode root)) {
        return resultJson;
      }
      incidents.forEach(root.putArray("incidents")::add);
      if (ack == null) {
        root.putNull("acknowledgement");
      } else {
        root.set("acknowledgement", mapper.valueToTree(acknowledgementFields(ack)));
      }
      return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      return resultJson;
    }
  }

  static Map<String, Object> acknowledgementFields(Acknowledgement ack) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("run", ack.runId());
    fields.put("who", ack.by());
    fields.put("why", ack.reason());
    fields.put("at", ack.at().toString());
    return fields;
  }

  /** The fields of a run, for lists and running runs; baseline spliced in as JSON. */
  static String runningJson(ToolRun run) {
    return withBaseline(Json.pretty(runFields(run)), run) + "\n";
  }

  static Map<String, Object> runFields(ToolRun run) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("id", run.id());
    root.put("tool", run.tool());
    root.put("version", run.version());
    root.put("commit", run.commit());
    root.put("pipelineUrl", run.pipelineUrl());
    root.put("policy", run.policy());
    root.put("source", run.source().value());
    root.put("identity", run.identity());
    if (run.job() != null) {
      Map<String, Object> job = new LinkedHashMap<>();
      job.put("namespace", run.job().namespace());
      job.put("name", run.job().name());
      job.put("uid", run.job().uid());
      root.put("job", job);
    }
    root.put("status", run.status().name());
    root.put("verdict", run.verdict() == null ? null : run.verdict().name());
    root.put("startedAt", String.valueOf(run.startedAt()));
    root.put("completedAt", run.completedAt() == null ? null : run.completedAt().toString());
    root.put("exitCode", run.exitCode());
    root.put("violationCount", run.violations());
    root.put("baseline", "@@baseline@@");
    return root;
  }

  private static String withBaseline(String json, ToolRun run) {
    String baseline = run.baselineJson() == null ? "null" : run.baselineJson().strip();
    return json.replace(BASELINE_PLACEHOLDER, baseline);
  }

  private static Map<String, Object> violation(Violation v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rule", v.rule().name());
    m.put("sentinel", v.sentinel() == null ? null : key(v.sentinel()));
    m.put("tenant", v.tenant());
    m.put("happened", v.happened());
    m.put("explanation", v.explanation());
    m.put("message", v.describe());
    return m;
  }

  private static Map<String, Object> key(ResourceKey key) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("apiVersion", key.apiVersion());
    m.put("kind", key.kind());
    m.put("namespace", key.namespace());
    m.put("name", key.name());
    return m;
  }

  /**
   * JUnit XML as Jenkins, GitLab and GitHub test reporters read it: one {@code testsuite} per run;
   * PASS is one passing test case, FAIL one failing test case per violation, ERROR one erroring
   * test case.
   */
  static String junit(Judged j, String text) {
    ToolRun run = j.run();
    String suite = "staging-canary." + run.tool();
    List<String> cases = new ArrayList<>();
    int failures = 0;
    int errors = 0;
    if (j.verdict() instanceof Verdict.Fail f) {
      for (Violation v : f.violations()) {
        String name = v.rule() + " " + (v.sentinel() == null ? "run" : v.sentinel().toString());
        cases.add(
            testcase(
                suite,
                name,
                "<failure message=\""
                    + attr(v.describe())
                    + "\" type=\""
                    + v.rule()
                    + "\">"
                    + body(v.explanation())
                    + "</failure>"));
        failures++;
      }
    } else if (j.verdict() instanceof Verdict.Error e) {
      cases.add(
          testcase(
              suite,
              "verdict",
              "<error message=\""
                  + attr(e.reason())
                  + "\" type=\"ERROR\">"
                  + body(e.reason())
                  + "</error>"));
      errors++;
    } else {
      cases.add(testcase(suite, "sentinels outside the blast radius survived", null));
    }
    Integer exitCode = run.exitCode();
    if (exitCode != null && exitCode != 0) {
      // The tool failed (the gate exits 3 on a PASS): CI must not show every test passing.
      String message = "the command exited with " + exitCode;
      cases.add(
          testcase(
              suite,
              "command",
              "<failure message=\""
                  + attr(message)
                  + "\" type=\"COMMAND_FAILED\">"
                  + body(message)
                  + "</failure>"));
      failures++;
    }
    Instant start = run.startedAt();
    Duration took =
        run.completedAt() == null ? Duration.ZERO : Duration.between(start, run.completedAt());
    StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.append("<testsuites name=\"staging-canary\" tests=\"")
        .append(cases.size())
        .append("\" failures=\"")
        .append(failures)
        .append("\" errors=\"")
        .append(errors)
        .append("\" time=\"")
        .append(seconds(took))
        .append("\">\n");
    out.append("  <testsuite name=\"")
        .append(attr(suite))
        .append("\" tests=\"")
        .append(cases.size())
        .append("\" failures=\"")
        .append(failures)
        .append("\" errors=\"")
        .append(errors)
        .append("\" skipped=\"0\" time=\"")
        .append(seconds(took))
        .append("\" timestamp=\"")
        .append(
            DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                start.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC).toLocalDateTime()))
        .append("\" hostname=\"")
        .append(attr(j.clusterName()))
        .append("\">\n");
    out.append("    <properties>\n");
    property(out, "run", run.id());
    property(out, "tool", run.tool());
    property(out, "version", run.version());
    property(out, "verdict", j.verdict().name());
    property(out, "policy", run.policy() == null ? "" : run.policy());
    property(out, "source", run.source().value());
    if (run.identity() != null) {
      property(out, "identity", run.identity());
    }
    property(out, "foreignChanges", String.valueOf(j.foreign().size()));
    out.append("    </properties>\n");
    cases.forEach(out::append);
    out.append("    <system-out>").append(body(text)).append("</system-out>\n");
    out.append("  </testsuite>\n</testsuites>\n");
    return out.toString();
  }

  private static String testcase(String classname, String name, String outcome) {
    String open =
        "    <testcase classname=\""
            + attr(classname)
            + "\" name=\""
            + attr(name)
            + "\" time=\"0\"";
    return outcome == null ? open + "/>\n" : open + ">\n      " + outcome + "\n    </testcase>\n";
  }

  private static void property(StringBuilder out, String name, String value) {
    out.append("      <property name=\"")
        .append(attr(name))
        .append("\" value=\"")
        .append(attr(value))
        .append("\"/>\n");
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.3f", d.toMillis() / 1000.0);
  }

  static String body(String text) {
    return xmlChars(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  static String attr(String text) {
    return body(text)
        .replace("\"", "&quot;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;");
  }

  /** Drops characters XML 1.0 cannot carry. */
  private static String xmlChars(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .filter(
            c ->
                c == 0x9
                    || c == 0xA
                    || c == 0xD
                    || (c >= 0x20 && c <= 0xD7FF)
                    || (c >= 0xE000 && c <= 0xFFFD)
                    || c >= 0x10000)
        .forEach(out::appendCodePoint);
    return out.toString();
  }

  /** Table cells and list items: the text as written, no HTML, no Markdown markup. */
  private static String cell(String text) {
    return Escape.markdown(text);
  }
}
