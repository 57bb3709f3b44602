package io.stagingcanary.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagingcanary.diff.DiffResult;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelResult;
import io.stagingcanary.diff.SentinelStatus;
import io.stagingcanary.rules.Verdict;
import io.stagingcanary.rules.Violation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

class RunReportsTest {

  static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");
  static final ResourceKey ACME_NS = ResourceKey.clusterScoped("v1", "Namespace", "canary-acme");
  static final ResourceKey ACME_PVC =
      ResourceKey.namespaced("v1", "PersistentVolumeClaim", "canary-acme", "canary-data");

  final DiffResult diff =
      new DiffResult(
          List.of(
              new SentinelResult(ACME_NS, "sandbox", "acme", new SentinelStatus.Missing()),
              new SentinelResult(ACME_PVC, "sandbox", "acme", new SentinelStatus.Missing())),
          List.of());

  static ToolRun run(String verdict) {
    return ToolRun.builder()
        .id("run-1")
        .clusterId("cluster")
        .tool("cleanup-unpaid", "1.2.3 \"rc\" <beta> & more")
        .policy("cleanup-unpaid")
        .source(ToolRun.Source.API)
        .startedAt(T0)
        .baselineJson("{}")
        .build()
        .toBuilder()
        .completed(T0.plusSeconds(42), 0)
        .verdict(ToolRun.Verdict.valueOf(verdict))
        .violations(0)
        .headline("h")
        .build();
  }

  RunReports.Judged judged(Verdict verdict, List<ToolRun> overlapping) {
    return new RunReports.Judged(
        run(verdict.name()), verdict, diff, overlapping, Duration.ofSeconds(5), true, "staging");
  }

  @Test
  void aFailIsOneFailingTestCasePerViolationAndValidJunit() throws Exception {
    Verdict fail =
        new Verdict.Fail(
            List.of(
                new Violation(
                    ACME_NS,
                    "acme",
                    "MISSING",
                    Violation.Rule.OUTSIDE_BLAST_RADIUS,
                    "tenant acme {purchased=true} is selected by neither <x> & \"y\"\u0001"),
                new Violation(
                    ACME_PVC,
                    "acme",
                    "MISSING",
                    Violation.Rule.OUTSIDE_BLAST_RADIUS,
                    "tenant acme is outside"),
                new Violation(
                    null,
                    null,
                    "removed 2 of 2 sentinels (100%)",
                    Violation.Rule.MAX_REMOVED_FRACTION,
                    "maxRemovedFraction is 0.1")),
            List.of());
    RunReports.Judged judged = judged(fail, List.of());
    String xml = RunReports.junit(judged, RunReports.text(judged));

    Document doc = JunitSchema.validate(xml);

    Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
    assertThat(suite.getAttribute("tests")).isEqualTo("3");
    assertThat(suite.getAttribute("failures")).isEqualTo("3");
    assertThat(suite.getAttribute("timestamp")).isEqualTo("2026-03-01T10:00:00");
    assertThat(suite.getAttribute("time")).isEqualTo("42.000");
    NodeList failures = doc.getElementsByTagName("failure");
    assertThat(failures.getLength()).isEqualTo(3);
    assertThat(((Element) failures.item(0).getParentNode()).getAttribute("name"))
        .isEqualTo("OUTSIDE_BLAST_RADIUS Namespace canary-acme");
    assertThat(((Element) failures.item(0)).getAttribute("message"))
        .contains("<x> & \"y\"")
        .doesNotContain("\u0001");
    assertThat(((Element) failures.item(2).getParentNode()).getAttribute("name"))
        .isEqualTo("MAX_REMOVED_FRACTION run");
    assertThat(doc.getElementsByTagName("system-out").item(0).getTextContent())
        .contains("tenant acme")
        .contains("MISSING   Namespace canary-acme");
  }

  @Test
  void aPassIsOnePassingTestCaseAndAnErrorIsOneErroringTestCase() throws Exception {
    Document pass =
        JunitSchema.validate(
            RunReports.junit(judged(new Verdict.Pass(List.of()), List.of()), "ok"));
    assertThat(pass.getElementsByTagName("testcase").getLength()).isEqualTo(1);
    assertThat(pass.getElementsByTagName("failure").getLength()).isZero();

    Document error =
        JunitSchema.validate(
            RunReports.junit(judged(new Verdict.Error("blind during the run"), List.of()), ""));
    assertThat(error.getElementsByTagName("error").getLength()).isEqualTo(1);
    assertThat(((Element) error.getElementsByTagName("testsuite").item(0)).getAttribute("errors"))
        .isEqualTo("1");
  }

  @Test
  void aPassOfACommandThatFailedHasAFailingTestCaseForTheCommand() throws Exception {
    ToolRun failedCommand =
        run("PASS").toBuilder()
            .completed(T0.plusSeconds(42), 4)
            .verdict(ToolRun.Verdict.PASS)
            .violations(0)
            .headline("h")
            .build();
    RunReports.Judged judged =
        new RunReports.Judged(
            failedCommand,
            new Verdict.Pass(List.of()),
            diff,
            List.of(),
            Duration.ofSeconds(5),
            true,
            "staging");

    Document xml = JunitSchema.validate(RunReports.junit(judged, "ok"));

    assertThat(xml.getElementsByTagName("testcase").getLength()).isEqualTo(2);
    NodeList failures = xml.getElementsByTagName("failure");
    assertThat(failures.getLength()).isEqualTo(1);
    assertThat(((Element) failures.item(0)).getAttribute("message"))
        .isEqualTo("the command exited with 4");
    assertThat(((Element) xml.getElementsByTagName("testsuite").item(0)).getAttribute("failures"))
        .isEqualTo("1");
    assertThat(RunReports.markdown(judged)).contains("**The command failed:** it exited with 4.");
    assertThat(
            JunitSchema.validate(
                    RunReports.junit(judged(new Verdict.Pass(List.of()), List.of()), "ok"))
                .getElementsByTagName("failure")
                .getLength())
        .as("exit code 0: no failure")
        .isZero();
  }

  @Test
  void theSchemaRejectsWhatCiServersWouldMisread() {
    assertThatThrownBy(
            () ->
                JunitSchema.validate(
                    "<testsuites><testsuite name=\"s\" tests=\"1\"><testcase classname=\"c\"/>"
                        + "</testsuite></testsuites>"))
        .isInstanceOf(SAXException.class)
        .hasMessageContaining("name");
    assertThatThrownBy(
            () ->
                JunitSchema.validate(
                    "<testsuites><testsuite name=\"s\" tests=\"one\"></testsuite></testsuites>"))
        .isInstanceOf(SAXException.class);
  }

  @Test
  void reportsSayWhenRunsOverlapAndTheJsonCarriesTheDiff() {
    ToolRun other = run("PASS");
    RunReports.Judged judged = judged(new Verdict.Pass(List.of()), List.of(other));
    String text = RunReports.text(judged);
    assertThat(text)
        .contains("overlapping run(s) run-1 (cleanup-unpaid")
        .contains("attributed to every run active in it");
    assertThat(RunReports.markdown(judged)).contains("attributed to every run active in it");
    String json = RunReports.json(judged, text);
    assertThat(json)
        .contains("\"overlappingRuns\"")
        .contains("\"verdict\": \"PASS\"")
        .contains("\"baseline\": {}")
        .contains("\"lostByKind\"");
  }

  @Test
  void theMarkdownReportCarriesNoHtmlOrMarkupFromUserInput() {
    ToolRun run =
        ToolRun.builder()
            .id("run-2")
            .clusterId("cluster")
            .tool(
                "cleanup-unpaid",
                "<img src=x onerror=alert(1)>\n## forged *bold* [link](http://evil)")
            .source(ToolRun.Source.API)
            .startedAt(T0)
            .baselineJson("{}")
            .build()
            .toBuilder()
            .completed(T0.plusSeconds(1), 0)
            .verdict(ToolRun.Verdict.FAIL)
            .violations(0)
            .headline("h")
            .build();
    Verdict fail =
        new Verdict.Fail(
            List.of(
                new Violation(
                    ACME_NS,
                    "acme",
                    "MISSING",
                    Violation.Rule.OUTSIDE_BLAST_RADIUS,
                    "<script>alert(1)</script> | cell")),
            List.of("<b>warning</b>"));

    String markdown =
        RunReports.markdown(
            new RunReports.Judged(
                run, fail, diff, List.of(), Duration.ofSeconds(1), true, "staging"));

    assertThat(markdown).doesNotContain("<img").doesNotContain("<script").doesNotContain("<b>");
    assertThat(markdown)
        .contains("&lt;img src=x onerror=alert(1)&gt; ## forged")
        .contains("\\*bold\\* \\[link\\](http://evil)")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt; \\| cell")
        .doesNotContain("\n## forged");
  }

  @Test
  void theTextReportStatesEachReasonOnceWithTheSentinelsThatBrokeIt() {
    String why = "tenant acme {purchased=true} is selected by neither mayAffect nor mustRemove";
    Verdict fail =
        new Verdict.Fail(
            List.of(
                new Violation(ACME_NS, "acme", "MISSING", Violation.Rule.OUTSIDE_BLAST_RADIUS, why),
                new Violation(
                    ACME_PVC, "acme", "MISSING", Violation.Rule.OUTSIDE_BLAST_RADIUS, why),
                new Violation(
                    null,
                    null,
                    "removed 2 of 2 sentinels (100%)",
                    Violation.Rule.MAX_REMOVED_FRACTION,
                    "maxRemovedFraction is 0.1")),
            List.of());

    String text = RunReports.text(judged(fail, List.of()));

    assertThat(text)
        .contains(
            "Violations (3):\n"
                + "  - OUTSIDE_BLAST_RADIUS: "
                + why
                + "\n"
                + "      MISSING  "
                + ACME_NS
                + "\n"
                + "      MISSING  "
                + ACME_PVC
                + "\n"
                + "  - MAX_REMOVED_FRACTION: run removed 2 of 2 sentinels (100%) — maxRemovedFraction"
                + " is 0.1\n");
    assertThat(text.split(java.util.regex.Pattern.quote(why), -1)).hasSize(2);
    assertThat(RunReports.summary(judged(fail, List.of())))
        .startsWith("FAIL: cleanup-unpaid ")
        .endsWith(
            " broke 3 rule(s): OUTSIDE_BLAST_RADIUS x2 (tenants acme); MAX_REMOVED_FRACTION x1");
  }
}
