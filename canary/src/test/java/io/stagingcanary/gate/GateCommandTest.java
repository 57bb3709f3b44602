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

  @Test
  void namesWhatIsWrong() {
    assertThatThrownBy(() -> GateCommand.Options.parse(new String[] {"--tool", "t"}))
        .hasMessageContaining("--server");
    assertThatThrownBy(
            () ->
                GateCommand.Options.parse(
                    new String[] {"--server", "ftp://x", "--tool", "t", "--tool-version", "1"}))
        .hasMessageContaining("http(s) URL");
    assertThatThrownBy(
            () ->
                GateCommand.Options.parse(
                    new String[] {"--server", "http://x", "--tool", "t", "--tool-version", "1"}))
        .hasMessageContaining("no command");
    assertThatThrownBy(() -> GateCommand.Options.duration("--settle", "soon"))
        .hasMessageContaining("--settle needs a duration");
    assertThatThrownBy(() -> GateCommand.Options.parse(new String[] {"complete"}))
        .hasMessageContaining("RUN_ID");
    assertThatThrownBy(
            () -> GateCommand.Options.parse(new String[] {"--server", "http://x", "--bogus", "1"}))
        .hasMessageContaining("unknown option --bogus");
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
