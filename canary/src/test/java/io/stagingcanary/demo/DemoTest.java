package io.stagingcanary.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagingcanary.CanaryApplication;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay end to end, as a new user runs it: the flawed tool fails the gate with the paying
 * tenants' losses, an incident and alerts; the fixed tool passes; everything is re-seeded.
 */
class DemoTest {

  @TempDir Path dataDir;

  @Test
  void replaysTheIncidentAndTheFix() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Demo.run(
            CanaryApplication.class,
            new String[] {"demo", "--fixtures", "../fixtures", "--data-dir", dataDir.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String output = out.toString(StandardCharsets.UTF_8);

    assertThat(exit).as(() -> output + err + agentLog()).isEqualTo(Demo.EXIT_OK);
    assertThat(output).doesNotContain("NOT AS EXPECTED");
    String flawed =
        section(output, "Run: prune-unpaid-users 1.0.0", "Run: prune-unpaid-users 1.0.1");
    String fixed = section(output, "Run: prune-unpaid-users 1.0.1", "== Timeline");
    assertThat(flawed).contains("FAIL").contains("stark").contains("wayne").contains("pied-piper");
    assertThat(flawed).contains("PersistentVolumeClaim");
    assertThat(fixed).contains("PASS");
    assertThat(fixed).doesNotContain("stark").doesNotContain("wayne").contains("dunder");
    assertThat(output).containsPattern("ToolRunViolation +-> log");
    // One page for the problem: the loss is merged into the run's violation, never paged again.
    assertThat(output).contains("merged into ToolRunViolation of run");
    assertThat(output).doesNotContainPattern("SentinelLoss +-> log");
    assertThat(output)
        .containsPattern("incident \\S+ opened \\d+ ms after the tool began deleting")
        .contains("gate verdict FAIL for prune-unpaid-users 1.0.0 (flawed)")
        .contains("gate verdict PASS for prune-unpaid-users 1.0.1 (fixed)")
        .contains("bait tenants re-seeded")
        .contains("no SentinelLoss alert: the removal was inside the tool's declared blast radius");
  }

  @Test
  void badUsageNamesTheArgument() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Demo.run(
            CanaryApplication.class,
            new String[] {"demo", "--fixtures", "no-such-folder"},
            System.out,
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(exit).isEqualTo(Demo.EXIT_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--fixtures")
        .contains("no-such-folder");

    err.reset();
    exit =
        Demo.run(
            CanaryApplication.class,
            new String[] {"demo", "--bogus"},
            System.out,
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(exit).isEqualTo(Demo.EXIT_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown argument '--bogus'");
  }

  /** The agent's own log, for the reason of a failure. */
  private String agentLog() {
    try {
      return "\n--- agent.log ---\n" + Files.readString(dataDir.resolve("agent.log"));
    } catch (IOException e) {
      return "\n(no agent.log: " + e + ")";
    }
  }

  private static String section(String text, String from, String to) {
    int start = text.indexOf(from);
    int end = text.indexOf(to, Math.max(start, 0) + 1);
    assertThat(start).as("'%s' in output", from).isNotNegative();
    return end < 0 ? text.substring(start) : text.substring(start, end);
  }
}
