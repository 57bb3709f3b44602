package io.stagingcanary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.CanaryApplication;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dispatch, in this JVM: what each first argument leads to. Nothing here may start the agent;
 * {@link CommandLineJvmTest} proves in a child JVM that nothing is started or written.
 */
class CanaryCommandLineTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private OptionalInt run(String... args) {
    return new CanaryCommandLine(
            CanaryApplication.class,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8))
        .run(args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"--help", "-h", "help"})
  void helpListsEveryCommandWithWhatItDoes(String help) {
    assertThat(run(help)).hasValue(0);
    assertThat(out()).startsWith("Usage: java -jar canary.jar [COMMAND] [OPTIONS]");
    for (CanaryCommandLine.Command command : CanaryCommandLine.COMMANDS) {
      assertThat(out())
          .containsPattern(
              "(?m)^  " + command.name() + " +" + Pattern.quote(command.summary()) + "$")
          .containsPattern("(?m)^  " + command.name() + " +" + Pattern.quote(command.docs()) + "$");
    }
    assertThat(out()).contains("--version").contains("docs/exit-codes.md");
    assertThat(err()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"--version", "-V"})
  void versionIsTheOneTheBuildRecorded(String version) throws IOException {
    Properties build = new Properties();
    try (InputStream in = Files.newInputStream(buildInfo())) {
      build.load(in);
    }

    assertThat(run(version)).hasValue(0);

    assertThat(out())
        .startsWith("staging-canary " + build.getProperty("build.version") + " (")
        .contains("built " + build.getProperty("build.time"))
        .endsWith(")" + System.lineSeparator());
  }

  @Test
  void agentHelpNamesThePropertySyntaxAndItsExitCodes() {
    assertThat(run("agent", "--help")).hasValue(0);
    assertThat(out())
        .startsWith("Usage: java -jar canary.jar [agent] [--property=value ...]")
        .contains("--spring.profiles.active=sandbox")
        .contains("docs/configuration.md")
        .contains("0  stopped on request");
  }

  @Test
  void helpAfterAgentPropertiesIsTheAgentsHelp() {
    assertThat(run("--spring.profiles.active=sandbox", "--help")).hasValue(0);
    assertThat(out()).startsWith("Usage: java -jar canary.jar [agent]");
  }

  @Test
  void helpWithACommandIsThatCommandsHelp() {
    assertThat(run("help", "agent")).hasValue(0);
    assertThat(out()).startsWith("Usage: java -jar canary.jar [agent]");
  }

  @Test
  void pruneUsersHelpDescribesTheToolAndExitsZero() {
    assertThat(run("prune-users", "--help")).hasValue(0);
    assertThat(out())
        .startsWith("usage: java -jar canary.jar prune-users --kubeconfig FILE")
        .contains("--mode flawed")
        .contains("--dry-run")
        .contains("Exit codes: 0");
    assertThat(err()).isEmpty();
  }

  @Test
  void demoHelpExitsZero() {
    assertThat(run("demo", "--help")).hasValue(0);
    assertThat(out()).startsWith("usage: java -jar canary.jar demo");
  }

  @ParameterizedTest
  @ValueSource(strings = {"bogus", "Agent", "version"})
  void anUnknownCommandIsNamedWithExitTwo(String command) {
    assertThat(run(command, "--help")).hasValue(2);
    assertThat(err())
        .contains("unknown command '" + command + "'")
        .contains("java -jar canary.jar --help");
    assertThat(out()).isEmpty();
  }

  @Test
  void helpForAnUnknownCommandIsNamedWithExitTwo() {
    assertThat(run("help", "bogus")).hasValue(2);
    assertThat(err()).contains("unknown command 'bogus'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--bogus", "-x", "--spring.profiles.active"})
  void anUnknownAgentOptionIsNamedWithExitTwo(String option) {
    assertThat(run("--canary.data-dir=/nowhere", option)).hasValue(2);
    assertThat(err())
        .contains("unknown option '" + option + "'")
        .contains("java -jar canary.jar agent --help");
  }

  @Test
  void aStrayWordAfterAgentIsNamedWithExitTwo() {
    assertThat(run("agent", "--spring.profiles.active", "sandbox")).hasValue(2);
    assertThat(err()).contains("unknown option '--spring.profiles.active'");
  }

  @Test
  void theAgentTakesSpringPropertiesAndSpringBootsOwnFlags() {
    assertThat(
            AgentCommand.refused(
                List.of(
                    "--spring.profiles.active=sandbox",
                    "--canary.alerts.slack[0].url=https://hooks.example/x",
                    "--canary.fixtures.sets=",
                    "--logging.level.io.stagingcanary=DEBUG",
                    "--debug",
                    "--trace")))
        .isEmpty();
    assertThat(AgentCommand.refused(List.of("--server.port=0", "sandbox")))
        .hasValue("unknown argument 'sandbox'");
  }

  @Test
  void theVersionLineSaysWhatTheBuildKnew() {
    assertThat(new BuildVersion("1.2.3", "abc1234", "2026-12-03T07:00:00Z").line())
        .isEqualTo("staging-canary 1.2.3 (commit abc1234, built 2026-12-03T07:00:00Z)");
    assertThat(new BuildVersion("1.2.3", null, "2026-12-03T07:00:00Z").line())
        .isEqualTo("staging-canary 1.2.3 (built 2026-12-03T07:00:00Z)");
    assertThat(new BuildVersion(BuildVersion.UNKNOWN, null, null).line())
        .isEqualTo("staging-canary unknown");
  }

  @Test
  void theCommitIsReadBesideTheBuildInfo(@TempDir Path classes) throws IOException {
    Files.createDirectories(classes.resolve("META-INF"));
    Files.writeString(
        classes.resolve("META-INF/build-info.properties"),
        "build.version=1.2.3\nbuild.time=2026-12-03T07\\:00\\:00Z\n");
    Files.writeString(
        classes.resolve("git.properties"), "git.commit.id.abbrev=abc1234\ngit.dirty=true\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null)) {
      assertThat(BuildVersion.of(loader))
          .isEqualTo(new BuildVersion("1.2.3", "abc1234-dirty", "2026-12-03T07:00:00Z"));
    }
  }

  @Test
  void withoutBuildInfoTheVersionIsUnknown(@TempDir Path classes) throws IOException {
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null)) {
      assertThat(BuildVersion.of(loader).line()).isEqualTo("staging-canary unknown");
    }
  }

  private static Path buildInfo() {
    Path file = Path.of("target", "classes", "META-INF", "build-info.properties");
    assertThat(file).as("written by the build-info goal of the build").exists();
    return file;
  }
}
