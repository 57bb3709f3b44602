package io.stagingcanary.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every folder under {@code src/test/resources/diff/} is a case: inputs (ledger.yaml or
 * before.yaml, after.yaml, optional unobserved.yaml), expected verdicts (expected.yaml) and the
 * exact text rendering (expected.txt). Run with {@code -Ddiff.golden.update=true} to rewrite
 * expected.txt, then review the diff before committing.
 */
class DiffGoldenTest {

  static Stream<String> cases() throws IOException {
    return GoldenCases.names();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void verdictsMatchExpectedYaml(String name) throws IOException {
    Path dir = GoldenCases.root().resolve(name);
    DiffResult result = GoldenCases.run(dir, false);
    Map<String, Object> expected = GoldenCases.read(dir.resolve("expected.yaml"));

    assertThat(Headline.of(result)).isEqualTo(expected.get("headline"));
    assertThat(result.countsByStatus().get(StatusType.PRESENT)).isEqualTo(expected.get("present"));
    List<Map<String, Object>> changes = list(expected.get("changes"));
    assertThat(result.changes()).hasSize(changes.size());
    for (Map<String, Object> change : changes) {
      SentinelResult actual = byId(result, (String) change.get("key"));
      ExpectedVerdict.assertMatches(actual, change);
    }
    List<Map<String, Object>> findings = list(expected.get("findings"));
    assertThat(result.findings()).hasSize(findings.size());
    for (int i = 0; i < findings.size(); i++) {
      Finding f = result.findings().get(i);
      assertThat(f.label()).isEqualTo(findings.get(i).get("type"));
      assertThat(f.key().id()).isEqualTo(findings.get(i).get("key"));
      assertThat(f.message()).isEqualTo(findings.get(i).get("message"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void textRenderingMatchesExpectedTxt(String name) throws IOException {
    Path dir = GoldenCases.root().resolve(name);
    String text = TextRenderer.render(GoldenCases.run(dir, false));
    Path golden = dir.resolve("expected.txt");
    if (Boolean.getBoolean("diff.golden.update")) {
      golden = Path.of("src", "test", "resources", "diff", name, "expected.txt");
      Files.writeString(golden, text, StandardCharsets.UTF_8);
    }
    assertThat(text).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void renderingsDoNotDependOnInputOrder(String name) throws IOException {
    Path dir = GoldenCases.root().resolve(name);
    DiffResult inOrder = GoldenCases.run(dir, false);
    DiffResult reversed = GoldenCases.run(dir, true);
    assertThat(reversed).isEqualTo(inOrder);
    assertThat(TextRenderer.render(reversed)).isEqualTo(TextRenderer.render(inOrder));
    assertThat(MarkdownRenderer.render(reversed)).isEqualTo(MarkdownRenderer.render(inOrder));
    assertThat(JsonRenderer.render(reversed)).isEqualTo(JsonRenderer.render(inOrder));
  }

  private static SentinelResult byId(DiffResult result, String id) {
    return result.results().stream()
        .filter(r -> r.key().id().equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no verdict for " + id));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object value) {
    return value == null ? List.of() : (List<Map<String, Object>>) value;
  }
}
