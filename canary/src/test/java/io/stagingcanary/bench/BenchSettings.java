package io.stagingcanary.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's settings, from system properties (see docs/performance.md for the table).
 *
 * @param sizes sentinel counts to run, in order ({@code bench.sizes}, else {@code bench.sentinels})
 * @param agentJvmArgs the agent's JVM options: by default those the Deployment in {@code deploy/}
 *     sets ({@code JAVA_TOOL_OPTIONS}), {@code none} for JVM defaults, or the options given
 * @param agentEnv environment variables of the agent's process that shape its memory ({@link
 *     #MEMORY_ENV}): by default, with the deployed JVM options, those the Deployment sets; {@code
 *     bench.agent-env} (e.g. {@code MALLOC_ARENA_MAX=2}, or {@code none}) overrides them
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
    Map<String, String> agentEnv,
    List<String> agentArgs,
    Path jar,
    Path markdown,
    Path json,
    Duration timeout,
    boolean keep) {

  static final Path DEPLOYMENT = Path.of("deploy", "base", "deployment.yaml");

  /** Environment variables of the Deployment that the benchmark gives the agent too. */
  static final List<String> MEMORY_ENV = List.of("MALLOC_ARENA_MAX");

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
    String extra = System.getProperty("bench.agent-jvm-extra", "").strip();
    if (!extra.isEmpty()) {
      jvmArgs = new ArrayList<>(jvmArgs);
      jvmArgs.addAll(split(extra));
      source += " plus `bench.agent-jvm-extra`";
    }
    String env = System.getProperty("bench.agent-env", "").strip();
    Map<String, String> agentEnv = new LinkedHashMap<>();
    if (env.isEmpty()) {
      if (jvm.isEmpty() || jvm.equals("deploy")) {
        agentEnv.putAll(deployedMemoryEnv(DEPLOYMENT));
      }
    } else if (!env.equals("none")) {
      for (String pair : split(env.replace(',', ' '))) {
        String[] nameValue = pair.split("=", 2);
        if (nameValue.length != 2 || !MEMORY_ENV.contains(nameValue[0])) {
          throw new IllegalArgumentException(
              "bench.agent-env takes NAME=value of " + MEMORY_ENV + ", got " + pair);
        }
        agentEnv.put(nameValue[0], nameValue[1]);
      }
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
        Map.copyOf(agentEnv),
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

  /** The values the Deployment sets for the variables of {@link #MEMORY_ENV}, if any. */
  static Map<String, String> deployedMemoryEnv(Path deployment) {
    try {
      String yaml = Files.readString(deployment);
      Map<String, String> env = new LinkedHashMap<>();
      for (String name : MEMORY_ENV) {
        Matcher matcher =
            Pattern.compile(
                    "- name: "
                        + Pattern.quote(name)
                        + "\\s*\\n\\s*value:\\s*[\"']?([^\"'\\n]+)[\"']?")
                .matcher(yaml);
        if (matcher.find()) {
          env.put(name, matcher.group(1).strip());
        }
      }
      return env;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + deployment, e);
    }
  }

  private static List<String> split(String value) {
    return Arrays.stream(value.strip().split("\\s+")).filter(s -> !s.isBlank()).toList();
  }
}
