package io.stagingcanary.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.runs.JunitSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * {@code target/canary-gate.jar}, the gate's own jar for CI jobs (built by the {@code gate-jar}
 * execution of maven-jar-plugin after compiling): small, only the gate's classes, no class path,
 * and it works on its own.
 */
class GateJarTest {

  static final Path JAR = Path.of("target", "canary-gate.jar");

  @TempDir Path dir;

  record Run(int exit, String out) {}

  static Run java(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), out);
  }

  @Test
  void theJarIsSmallHoldsOnlyTheGateAndStartsTheGate() throws Exception {
    assertThat(JAR).as("built by the gate-jar execution (mvn process-classes)").exists();
    assertThat(Files.size(JAR)).isLessThan(1024 * 1024);
    try (JarFile jar = new JarFile(JAR.toFile())) {
      Attributes manifest = jar.getManifest().getMainAttributes();
      assertThat(manifest.getValue("Main-Class")).isEqualTo(GateMain.class.getName());
      assertThat(manifest.getValue("Class-Path")).as("no dependencies").isNull();
      assertThat(jar.stream().map(JarEntry::getName).filter(n -> n.endsWith(".class")))
          .isNotEmpty()
          .allMatch(n -> n.startsWith("io/stagingcanary/gate/"));
    }

    Run help = java("--help");
    assertThat(help.exit()).as(help.out()).isZero();
    assertThat(help.out())
        .contains("java -jar canary-gate.jar --server URL")
        .contains("Exit codes:");
  }

  @Test
  void anUnreachableAgentIsExitTwoWithAnErroringJunitCase() throws Exception {
    Path junit = dir.resolve("reports/canary-gate.xml");
    Path markdown = dir.resolve("reports/canary-gate.md");

    Run run =
        java(
            "--server",
            "http://127.0.0.1:1",
            "--tool",
            "cleanup-unpaid",
            "--tool-version",
            "3.2.0",
            "--junit",
            junit.toString(),
            "--markdown",
            markdown.toString(),
            "--",
            "true");

    assertThat(run.exit()).as(run.out()).isEqualTo(2);
    assertThat(run.out()).contains("could not judge (unreachable)");
    Document xml = JunitSchema.validate(Files.readString(junit));
    Element error = (Element) xml.getElementsByTagName("error").item(0);
    assertThat(error.getAttribute("message"))
        .startsWith("could not judge: unreachable: cannot connect to http://127.0.0.1:1/");
    assertThat(((Element) xml.getElementsByTagName("testsuite").item(0)).getAttribute("name"))
        .isEqualTo("staging-canary.cleanup-unpaid");
    assertThat(Files.readString(markdown))
        .startsWith("## NOT JUDGED: `cleanup-unpaid` 3.2.0")
        .contains("**Could not judge:** unreachable");
  }
}
