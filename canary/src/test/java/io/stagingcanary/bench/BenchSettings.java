package io.stagingcanary.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's settings, from system properties (see docs/performance.md for the table).
 *
 * @param sizes sentinel counts to run, in order ({@code bench.sizes}, else {@code bench.sentinels})
 * @param agentJvmArgs the agent's JVM options: by default those the Deployment in {@code deploy/}
 *     sets ({@code JAVA_TOOL_OPTIONS}), {@code none} for JVM defaults, or the options given
 * @param agentArgs further {@code --name=value} arguments for the agent ({@code bench.agent-args})
 */
record BenchSettings(
    List<String> targets,
    List<Integer> sizes,
    int tenants,
    int deletions,
    int verifications,
    int gateRuns,
    int burst,
    Duration burstGroupWindow,
    String reseed,
    List<String> agentJvmArgs,
    String agentJvmArgsSource,
    List<String> agentArgs,
    Path jar,
    Path markdown,
    Path json,
    Duration timeout,
    boolean keep) {

  static final Path DEPLOYMENT = Path.of("deploy", "base", "deployment.yaml");

  private static final Pattern TOOL_OPTIONS =
      Pattern.compile("- name: JAVA_TOOL_OPTIONS\\s*\\n\\s*value:\\s*\"?([^\"\\n]+)\"?");

  static BenchSettings fromSystemProperties() {
    String sentinels = System.getProperty("bench.sentinels", "10000");
    String sizes = System.getProperty("bench.sizes", "");
    Path markdown = Path.of(System.getProperty("bench.output", "canary/target/bench-results.md"));
    String jvm = System.getProperty("bench.agent-jvm-args", "deploy").strip();
    List<String> jvmArgs;
    String source;
    if (jvm.isEmpty() || jvm.equals("deploy")) {
      jvmArgs = split(deployedJvmOptions(DEPLOYMENT));
      source = "`JAVA_TOOL_OPTIONS` of " + DEPLOYMENT;
    } else if (jvm.equals("none")) {
      jvmArgs = List.of();
      source = "none (JVM defaults)";
    } else {
      jvmArgs = split(jvm);
      source = "given with `bench.agent-jvm-args`";
    }
    return new BenchSettings(
        split(System.getProperty("bench.targets", "sandbox,real").replace(',', ' ')),
        split((sizes.isBlank() ? sentinels : sizes).replace(',', ' ')).stream()
            .map(Integer::valueOf)
            .toList(),
        Integer.getInteger("bench.tenants", 100),
        Integer.getInteger("bench.deletions", 200),
        Integer.getInteger("bench.verifications", 5),
        Integer.getInteger("bench.gate-runs", 3),
        Integer.getInteger("bench.burst", 1000),
        Duration.parse("PT" + System.getProperty("bench.burst-group-window", "5s")),
        System.getProperty("bench.reseed", "after-incident"),
        jvmArgs,
        source,
        split(System.getProperty("bench.agent-args", "")),
        Path.of(System.getProperty("bench.jar", "canary/target/canary.jar")),
        markdown,
        Path.of(markdown.toString().replaceFirst("\\.md$", "") + ".json"),
        Duration.parse(System.getProperty("bench.timeout", "PT45M")),
        Boolean.getBoolean("bench.keep"));
  }

  /** The {@code JAVA_TOOL_OPTIONS} value the Deployment sets, exactly. */
  static String deployedJvmOptions(Path deployment) {
    try {
      Matcher matcher = TOOL_OPTIONS.matcher(Files.readString(deployment));
      if (!matcher.find()) {
        throw new IllegalStateException("no JAVA_TOOL_OPTIONS value in " + deployment);
      }
      return matcher.group(1).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + deployment, e);
    }
  }

  private static List<String> split(String value) {
    return Arrays.stream(value.strip().split("\\s+")).filter(s -> !s.isBlank()).toList();
  }
}
