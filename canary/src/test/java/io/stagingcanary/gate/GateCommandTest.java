package io.stagingcanary.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GateCommandTest {

  @Test
  void parsesTheWrappedCommandAfterTheDoubleDash() {
    GateCommand.Options o =
        GateCommand.Options.parse(
            new String[] {
              "--server",
              "http://c:8080",
              "--tool",
              "t",
              "--tool-version=1.2",
              "--settle",
              "30s",
              "--",
              "./tool",
              "--server",
              "x"
            });
    assertThat(o.mode).isEqualTo("wrap");
    assertThat(o.version).isEqualTo("1.2");
    assertThat(o.settle).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.command).containsExactly("./tool", "--server", "x");
  }

  @Test
  void beginAndComplete() {
    GateCommand.Options begin =
        GateCommand.Options.parse(
            new String[] {"begin", "--server", "http://c", "--tool", "t", "--tool-version", "1"});
    assertThat(begin.mode).isEqualTo("begin");
    GateCommand.Options complete =
        GateCommand.Options.parse(
            new String[] {"complete", "run-1", "--server", "http://c", "--exit-code", "3"});
    assertThat(complete.runId).isEqualTo("run-1");
    assertThat(complete.exitCode).isEqualTo(3);
  }

  static String problem(String... args) {
    return GateCommand.Options.parse(args).problem;
  }

  @Test
  void namesWhatIsWrong() {
    assertThat(problem("--tool", "t")).contains("--server");
    assertThat(problem("--server", "ftp://x", "--tool", "t", "--tool-version", "1"))
        .contains("http(s) URL");
    assertThat(problem("--server", "http://x", "--tool", "t", "--tool-version", "1"))
        .contains("no command");
    assertThatThrownBy(() -> GateCommand.Options.duration("--settle", "soon"))
        .hasMessageContaining("--settle needs a duration");
    assertThat(problem("complete")).contains("RUN_ID");
    assertThat(problem("complete", "a b", "--server", "http://x"))
        .contains("'a b' is not a run id");
    assertThat(problem("--server", "http://x", "--bogus", "1")).isEqualTo("unknown option --bogus");
    assertThat(problem("--server", "http://x", "--bogus")).isEqualTo("unknown option --bogus");
    assertThat(problem("--server", "http://x", "--tool")).isEqualTo("--tool needs a value");
    assertThat(problem("--server", "http://x", "--help=yes")).isEqualTo("--help takes no value");
    assertThat(problem("--server", "http://x", "cleanup"))
        .contains("unexpected argument 'cleanup'");
    assertThat(problem("--server", "http://a b", "--tool", "t", "--tool-version", "1"))
        .contains("is not a URL");
    assertThat(problem("--server", "http://x", "--timeout", "0s")).contains("more than 0s");
    assertThat(problem("--server", "http://x", "--timeout", "-1s")).contains("more than 0s");
    assertThat(problem("--server", "http://x", "--settle", "-5s")).contains("0s or more");
    assertThat(problem("--server", "http://x", "--settle", "-PT5S")).contains("0s or more");
    assertThat(problem("--server", "http://x", "--exit-code", "-1")).contains("0 or more");
  }

  @Test
  void aProblemStillKeepsTheReportPathsParsedAfterIt() {
    GateCommand.Options o =
        GateCommand.Options.parse(new String[] {"--timeout", "0s", "--junit", "r.xml"});
    assertThat(o.problem).contains("--timeout");
    assertThat(o.junit).hasToString("r.xml");
  }

  @Test
  void durations() {
    assertThat(GateCommand.Options.duration("x", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(GateCommand.Options.duration("x", "2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(GateCommand.Options.duration("x", "PT1H")).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void readsAndWritesJson() {
    Object parsed =
        MiniJson.parse(
            "{\"a\": [1, 2.5, true, null, \"x\\n\\u00e9\"], \"b\": {\"c\": -3e2}, \"d\": \"\"}");
    assertThat(parsed)
        .isEqualTo(
            Map.of(
                "a",
                java.util.Arrays.asList(1L, 2.5, true, null, "x\né"),
                "b",
                Map.of("c", -300.0),
                "d",
                ""));
    assertThat(MiniJson.write(new java.util.LinkedHashMap<>(Map.of("q", "say \"hi\"\t"))))
        .isEqualTo("{\"q\":\"say \\\"hi\\\"\\t\"}");
    assertThatThrownBy(() -> MiniJson.parse("{\"a\": }")).hasMessageContaining("offset");
    assertThat(RunsClient.list(Map.of("v", List.of(1)), "v")).hasSize(1);
  }
}
