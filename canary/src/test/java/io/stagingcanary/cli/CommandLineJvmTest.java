package io.stagingcanary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.CanaryApplication;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The jar's main class in a child JVM whose working directory is an empty temporary folder: help
 * and version answer, and nothing is started or written. The agent's HTTP port is held by this test
 * and passed as {@code server.port}, so an agent that started anyway would fail with exit 1 ("Port
 * ... was already in use"), and its ledger would appear in the folder as {@code data/}.
 */
class CommandLineJvmTest {

  @TempDir Path workDir;
  private ServerSocket agentPort;

  record Run(int exitCode, String out, String err) {}

  @BeforeEach
  void holdThePort() throws IOException {
    agentPort = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void releaseThePort() throws IOException {
    agentPort.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"--help", "-h", "help"})
  void helpPrintsTheUsageAndStartsNothing(String help) throws Exception {
    Run run = run(help);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("Usage: java -jar canary.jar [COMMAND] [OPTIONS]");
    assertNothingStarted(run);
  }

  @ParameterizedTest
  @ValueSource(strings = {"--version", "-V"})
  void versionPrintsTheVersionAndStartsNothing(String version) throws Exception {
    Run run = run(version);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("staging-canary ").doesNotContain("unknown");
    assertNothingStarted(run);
  }

  @ParameterizedTest
  @ValueSource(strings = {"agent", "gate", "demo", "prune-users"})
  void everyCommandHasAHelpThatStartsNothing(String command) throws Exception {
    Run run = run(command, "--help");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .containsIgnoringCase("usage:")
        .contains(command.equals("agent") ? "[agent]" : command);
    assertNothingStarted(run);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bogus", "--bogus", "prune-users --bogus", "demo --bogus"})
  void anUnknownCommandOrOptionIsNamedWithExitTwo(String line) throws Exception {
    Run run = run(line.split(" "));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).containsPattern("unknown (command|option|argument) '(--)?bogus'");
    assertNothingStarted(run);
  }

  private void assertNothingStarted(Run run) throws IOException {
    try (Stream<Path> left = Files.list(workDir)) {
      assertThat(left).as("files the command left in its working directory").isEmpty();
    }
    assertThat(run.out() + run.err())
        .doesNotContain("already in use")
        .doesNotContainPattern("Starting \\w+ .*using Java");
  }

  private Run run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Dserver.address=127.0.0.1");
    command.add("-Dserver.port=" + agentPort.getLocalPort());
    command.add("-Djava.io.tmpdir=" + workDir);
    command.add(CanaryApplication.class.getName());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(workDir.toFile()).start();
    process.getOutputStream().close();
    CompletableFuture<String> out = read(process, false);
    CompletableFuture<String> err = read(process, true);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("still running after 60 s: " + String.join(" ", args));
    }
    return new Run(process.exitValue(), out.join(), err.join());
  }

  private static CompletableFuture<String> read(Process process, boolean stderr) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            byte[] bytes =
                (stderr ? process.getErrorStream() : process.getInputStream()).readAllBytes();
            return new String(bytes, StandardCharsets.UTF_8);
          } catch (IOException e) {
            return e.toString();
          }
        });
  }
}
