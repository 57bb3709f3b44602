package io.stagingcanary.runs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.rules.Verdict;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** A change made during a run by someone other than the tool is flagged in every report. */
class RunReportsForeignChangesTest {

  static final String TOOL = "system:serviceaccount:ops:cleanup-unpaid";

  final RunReportsTest base = new RunReportsTest();

  RunReports.Judged judged(List<ForeignChange> foreign) {
    ToolRun run = RunReportsTest.run("PASS").toBuilder().identity(TOOL).build();
    return new RunReports.Judged(
        run,
        new Verdict.Pass(List.of()),
        base.diff,
        List.of(),
        Duration.ofSeconds(5),
        true,
        "staging",
        foreign);
  }

  static ForeignChange byAlice(ResourceKey key, String cause) {
    return new ForeignChange(
        key,
        new ChangeActors.Actor("alice", "delete", RunReportsTest.T0.plusSeconds(3), cause),
        TOOL);
  }

  @Test
  void textAndMarkdownSayWhoChangedWhatInsteadOfTheTool() {
    RunReports.Judged judged =
        judged(
            List.of(
                byAlice(RunReportsTest.ACME_NS, null),
                byAlice(RunReportsTest.ACME_PVC, "the deletion of namespace canary-acme")));

    assertThat(RunReports.text(judged))
        .contains("Changed by others during the run (2):")
        .contains("  - Namespace canary-acme: changed by alice, not by the tool (" + TOOL + ")\n")
        .contains(
            "  - PersistentVolumeClaim canary-acme/canary-data: changed by alice via the deletion"
                + " of namespace canary-acme, not by the tool ("
                + TOOL
                + ")\n");
    assertThat(RunReports.markdown(judged))
        .contains(
            "- Changed by someone else: `Namespace canary-acme` changed by alice, not by the tool");
  }

  @Test
  void jsonListsTheForeignChangesAndTheRunsIdentity() throws Exception {
    RunReports.Judged judged = judged(List.of(byAlice(RunReportsTest.ACME_NS, null)));

    JsonNode json = new ObjectMapper().readTree(RunReports.json(judged, RunReports.text(judged)));

    assertThat(json.path("identity").asText()).isEqualTo(TOOL);
    JsonNode change = json.path("foreignChanges").get(0);
    assertThat(change.path("username").asText()).isEqualTo("alice");
    assertThat(change.path("verb").asText()).isEqualTo("delete");
    assertThat(change.path("sentinel").path("name").asText()).isEqualTo("canary-acme");
    assertThat(change.path("cause").isNull()).isTrue();
    assertThat(change.path("message").asText())
        .isEqualTo("changed by alice, not by the tool (" + TOOL + ")");
  }

  @Test
  void junitNamesTheIdentityAndCountsTheForeignChangesInItsProperties() throws Exception {
    RunReports.Judged judged = judged(List.of(byAlice(RunReportsTest.ACME_NS, null)));

    Document doc = JunitSchema.validate(RunReports.junit(judged, RunReports.text(judged)));

    assertThat(property(doc, "identity")).isEqualTo(TOOL);
    assertThat(property(doc, "foreignChanges")).isEqualTo("1");
    assertThat(doc.getElementsByTagName("system-out").item(0).getTextContent())
        .contains("changed by alice, not by the tool");
  }

  @Test
  void aRunWithNothingForeignSaysNothingAboutIt() throws Exception {
    RunReports.Judged judged = judged(List.of());

    assertThat(RunReports.text(judged)).doesNotContain("Changed by others");
    assertThat(RunReports.markdown(judged)).doesNotContain("someone else");
    JsonNode json = new ObjectMapper().readTree(RunReports.json(judged, RunReports.text(judged)));
    assertThat(json.path("foreignChanges").isArray()).isTrue();
    assertThat(json.path("foreignChanges")).isEmpty();
  }

  private static String property(Document doc, String name) {
    var properties = doc.getElementsByTagName("property");
    for (int i = 0; i < properties.getLength(); i++) {
      Element p = (Element) properties.item(i);
      if (p.getAttribute("name").equals(name)) {
        return p.getAttribute("value");
      }
    }
    return null;
  }
}
