package io.stagingcanary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar ({@code target/canary.jar}, as users run it): {@code --help} answers without
 * writing anything, and an agent stopped with SIGTERM exits with the code docs/exit-codes.md gives.
 */
class CommandLineIT {

  static final Path JAR = Path.of("target", "canary.jar");
  static final Path FIXTURES = Path.of("..", "fixtures").toAbsolutePath().normalize();

  @TempDir Path workDir;

  @Test
  void helpFromTheJarWritesNothingAndExitsZero() throws Exception {
    assertThat(JAR).as("run after package: mvn verify").exists();
    Path output = Files.createTempFile("canary-help-", ".txt");
    try {
      Instant start = Instant.now();
      Process process =
          new ProcessBuilder(java(), "-jar", JAR.toAbsolutePath().toString(), "--help")
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("--help finished").isTrue();
      System.out.printf(
          "java -jar canary.jar --help took %d ms%n",
          Duration.between(start, Instant.now()).toMillis());

      assertThat(process.exitValue()).isZero();
      assertThat(Files.readString(output)).startsWith("Usage: java -jar canary.jar");
      try (Stream<Path> left = Files.list(workDir)) {
        assertThat(left).as("files --help left in its working directory").isEmpty();
      }
    } finally {
      Files.deleteIfExists(output);
    }
  }

  @Test
  void versionFromTheJarIsTheBuildsAndItsCommit() throws Exception {
    assertThat(JAR).as("run after package: mvn verify").exists();
    Properties build = properties(Path.of("target/classes/META-INF/build-info.properties"));
    Properties git = properties(Path.of("target/classes/git.properties"));

    Process process =
        new ProcessBuilder(java(), "-jar", JAR.toAbsolutePath().toString(), "--version")
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .start();
    String line = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    assertThat(line)
        .startsWith("staging-canary " + build.getProperty("build.version") + " (")
        .contains("built " + build.getProperty("build.time"));
    if (git.containsKey("git.commit.id.abbrev")) { // a build in a plain clone (see pom.xml)
      assertThat(line).contains("commit " + git.getProperty("git.commit.id.abbrev"));
    } else {
      assertThat(line).doesNotContain("commit");
    }
  }

  private static Properties properties(Path file) throws IOException {
    Properties properties = new Properties();
    if (Files.exists(file)) {
      try (var in = Files.newInputStream(file)) {
        properties.load(in);
      }
    }
    return properties;
  }

  @Test
  void sigtermStopsTheAgentGracefullyWithExitZero() throws Exception {
    assertThat(JAR).as("run after package: mvn verify").exists();
    Path log = workDir.resolve("agent.log");
    List<String> command =
        new ArrayList<>(
            List.of(
                java(),
                "-Xmx256m",
                "-jar",
                JAR.toAbsolutePath().toString(),
                "--spring.profiles.active=sandbox",
                "--canary.sandbox.port=0",
                "--canary.fixtures.path=" + FIXTURES,
                "--canary.data-dir=" + workDir.resolve("data"),
                "--server.address=127.0.0.1",
                "--server.port=" + freePort()));
    Process agent =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      awaitLog(agent, log, "Started CanaryApplication", Duration.ofMinutes(4));

      agent.destroy(); // SIGTERM

      assertThat(agent.waitFor(60, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
      assertThat(agent.exitValue()).as(tail(log)).isZero();
    } finally {
      agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void awaitLog(Process agent, Path log, String line, Duration timeout)
      throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!Files.readString(log, StandardCharsets.UTF_8).contains(line)) {
      if (!agent.isAlive()) {
        throw new AssertionError("the agent exited with " + agent.exitValue() + ":\n" + tail(log));
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("no '" + line + "' within " + timeout + ":\n" + tail(log));
      }
      Thread.sleep(200);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
