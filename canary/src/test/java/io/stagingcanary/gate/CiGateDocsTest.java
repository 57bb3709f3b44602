package io.stagingcanary.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The pipeline snippets of docs/ci-gate.md: the YAML parses, every script is safe under {@code set
 * -e} (no {@code cmd; rc=$?}), falls back to the commit when there is no tag, fetches the gate jar,
 * and passes {@code shellcheck} (skipped with a message when shellcheck is not installed, failed
 * when {@code CANARY_CONTROL_PLANE_REQUIRED=true}, as CI sets it).
 */
class CiGateDocsTest {

  record Block(String language, String code) {}

  /** A shell script a snippet runs, with where it came from. */
  record Script(String origin, String code) {}

  static final Pattern FENCE = Pattern.compile("(?ms)^```(\\w+)\\n(.*?)^```");
  static final Pattern JENKINS_SH = Pattern.compile("(?s)\\bsh\\s+'''(.*?)'''");
  static final Pattern TOOL_VERSION = Pattern.compile("--tool-version\\s+(\"[^\"]*\"|\\S+)");

  @TempDir Path dir;

  static String doc() throws Exception {
    Path here = Path.of("").toAbsolutePath();
    for (Path d = here; d != null; d = d.getParent()) {
      Path candidate = d.resolve("docs/ci-gate.md");
      if (Files.isRegularFile(candidate)) {
        return Files.readString(candidate);
      }
    }
    throw new IllegalStateException("no docs/ci-gate.md above " + here);
  }

  static List<Block> blocks(String markdown) {
    List<Block> blocks = new ArrayList<>();
    Matcher m = FENCE.matcher(markdown);
    while (m.find()) {
      blocks.add(new Block(m.group(1), m.group(2)));
    }
    return blocks;
  }

  /** The pipeline snippets: shell, YAML and Jenkins blocks that run the gate. */
  static List<Block> snippets(String markdown) {
    return blocks(markdown).stream()
        .filter(b -> List.of("bash", "sh", "yaml", "groovy").contains(b.language()))
        .filter(b -> b.code().contains("canary-gate.jar"))
        .toList();
  }

  /** The shell each snippet runs: the block itself, YAML script/run steps, Jenkins sh steps. */
  static List<Script> scripts(Block block) {
    List<Script> scripts = new ArrayList<>();
    switch (block.language()) {
      case "bash", "sh" -> scripts.add(new Script("bash block", block.code()));
      case "groovy" -> {
        Matcher m = JENKINS_SH.matcher(block.code());
        while (m.find()) {
          // Groovy drops a backslash-newline inside ''' strings, as Jenkins hands it to sh.
          scripts.add(new Script("Jenkins sh step", m.group(1).replace("\\\n", "")));
        }
      }
      case "yaml" -> {
        Object root = new Yaml().load(block.code());
        assertThat(root).as("YAML block parses to a mapping").isInstanceOf(Map.class);
        for (Object job : ((Map<?, ?>) root).values()) {
          if (!(job instanceof Map<?, ?> j)) {
            continue;
          }
          if (j.get("script") instanceof List<?> lines) {
            StringBuilder code = new StringBuilder();
            lines.forEach(line -> code.append(line).append('\n'));
            scripts.add(new Script("GitLab script", code.toString()));
          }
          if (j.get("steps") instanceof List<?> steps) {
            for (Object step : steps) {
              if (step instanceof Map<?, ?> s && s.get("run") instanceof String run) {
                scripts.add(new Script("GitHub step " + s.get("name"), run));
              }
            }
          }
        }
      }
      default -> throw new IllegalStateException(block.language());
    }
    return scripts;
  }

  /** Problems of one snippet that no shell parser sees. */
  static List<String> problems(Block block) {
    List<String> problems = new ArrayList<>();
    List<Script> scripts = scripts(block);
    if (scripts.isEmpty()) {
      problems.add("runs no shell");
    }
    for (Script s : scripts) {
      Matcher status = Pattern.compile("\\$\\?").matcher(s.code());
      while (status.find()) {
        String before = s.code().substring(0, status.start());
        if (!Pattern.compile("(?s).*\\belse\\s+\\w+=$").matcher(before).matches()) {
          problems.add(
              s.origin()
                  + ": $? read outside 'if cmd; then rc=0; else rc=$?; fi' (aborts under set -e)");
        }
      }
    }
    if (!block.code().contains("CANARY_GATE_URL") || !block.code().contains("curl")) {
      problems.add("does not say where canary-gate.jar comes from (download from CANARY_GATE_URL)");
    }
    Matcher version = TOOL_VERSION.matcher(block.code());
    boolean any = false;
    while (version.find()) {
      any = true;
      String value = version.group(1);
      Matcher variable = Pattern.compile("\\$\\{?(\\w+)").matcher(value);
      boolean fallback = value.contains(":-");
      if (!fallback && variable.find()) {
        String name = variable.group(1);
        fallback =
            Pattern.compile("(?m)^\\s*" + name + "[=:].*(:-|\\|\\|)").matcher(block.code()).find();
      }
      if (!fallback) {
        problems.add("--tool-version " + value + " has no fallback to the commit on branch builds");
      }
    }
    if (!any) {
      problems.add("no --tool-version");
    }
    return problems;
  }

  @Test
  void everySnippetIsSetESafeFallsBackToTheCommitAndFetchesTheGateJar() throws Exception {
    List<Block> snippets = snippets(doc());
    assertThat(snippets)
        .extracting(Block::language)
        .as("shell (wrapped, begin/complete), GitLab, GitHub, Jenkins")
        .containsExactly("bash", "bash", "yaml", "yaml", "groovy");
    for (Block block : snippets) {
      assertThat(problems(block)).as(block.code()).isEmpty();
    }
  }

  @Test
  void theChecksCatchTheOldSnippets() {
    Block old =
        new Block(
            "bash",
            """
            RUN_ID=$(java -jar canary-gate.jar begin --tool t --tool-version "$TAG_NAME")
            ./cleanup-unpaid --cluster staging; TOOL_EXIT=$?
            java -jar canary-gate.jar complete "$RUN_ID" --exit-code "$TOOL_EXIT"
            """);
    assertThat(problems(old))
        .anyMatch(p -> p.contains("aborts under set -e"))
        .anyMatch(p -> p.contains("no fallback to the commit"))
        .anyMatch(p -> p.contains("where canary-gate.jar comes from"));
    Block gitlab =
        new Block(
            "yaml",
            """
            job:
              script:
                - java -jar canary-gate.jar --tool t --tool-version "$CI_COMMIT_TAG" -- ./t
            """);
    assertThat(problems(gitlab)).anyMatch(p -> p.contains("--tool-version \"$CI_COMMIT_TAG\""));
  }

  @Test
  void theSnippetsShellPassesShellcheck() throws Exception {
    Path shellcheck = shellcheck();
    List<String> findings = new ArrayList<>();
    int n = 0;
    for (Block block : snippets(doc())) {
      for (Script script : scripts(block)) {
        Path file = dir.resolve("snippet-" + (n++) + ".sh");
        String code = script.code();
        if (!code.startsWith("#!")) {
          // CI runners run steps with bash and errexit
          code = "#!/usr/bin/env bash\nset -eo pipefail\n" + code;
        }
        Files.writeString(file, code);
        Process process =
            new ProcessBuilder(shellcheck.toString(), "--shell=bash", file.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        if (process.exitValue() != 0) {
          findings.add(script.origin() + ":\n" + code + "\n" + out);
        }
      }
    }
    assertThat(n).as("shell scripts found in the snippets").isGreaterThanOrEqualTo(7);
    assertThat(findings).isEmpty();
  }

  @Test
  void shellcheckFindsTheUnsafeCapture() throws Exception {
    Path file = dir.resolve("bad.sh");
    Files.writeString(file, "#!/usr/bin/env bash\nRUN_ID=$(begin)\n./tool; echo $RUN_ID\n");
    Process process =
        new ProcessBuilder(shellcheck().toString(), file.toString())
            .redirectErrorStream(true)
            .start();
    process.getInputStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("an unquoted variable is a finding").isNotZero();
  }

  static Path shellcheck() {
    Optional<Path> found = Optional.empty();
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(d, "shellcheck");
      if (!d.isEmpty() && Files.isExecutable(candidate)) {
        found = Optional.of(candidate);
        break;
      }
    }
    if (found.isEmpty()) {
      String message =
          "shellcheck not found on the PATH: install it with `apt-get install shellcheck`";
      if ("true".equalsIgnoreCase(System.getenv("CANARY_CONTROL_PLANE_REQUIRED"))) {
        fail(message + " (CANARY_CONTROL_PLANE_REQUIRED=true: not skipping)");
      }
      Assumptions.abort(message);
    }
    return found.get();
  }
}
