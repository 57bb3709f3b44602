package io.stagingcanary.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.metrics.CanaryMetrics;
import io.stagingcanary.metrics.MetricsProperties;
import io.stagingcanary.platform.ComponentExecutors;
import io.stagingcanary.rules.ToolPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.info.BuildProperties;

class PolicyCatalogTest {

  @TempDir Path dir;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  PolicyCatalog catalog;

  @AfterEach
  void close() {
    if (catalog != null) {
      catalog.destroy();
    }
  }

  @Test
  void theShippedPoliciesLoad() {
    PolicyFiles.Loaded loaded = PolicyFiles.load(Path.of("../fixtures/policies"));
    assertThat(loaded.policies()).containsOnlyKeys("cleanup-unpaid", "prune-unpaid-users");
    ToolPolicy cleanup = loaded.policies().get("cleanup-unpaid");
    Map<String, String> hooli = Map.of("tier", "free", "purchased", "false");
    Map<String, String> acme = Map.of("tier", "pro", "purchased", "true");
    assertThat(cleanup.isBait(hooli)).isTrue();
    assertThat(cleanup.mayAffectTenant(acme)).isFalse();
    ToolPolicy prune = loaded.policies().get("prune-unpaid-users");
    assertThat(prune.declares(hooli, "Identity", true)).isTrue();
    assertThat(prune.declares(acme, "User", true)).isFalse();
  }

  @Test
  void aBadFileStopsStartupNamingFileAndField() throws Exception {
    write("good.yaml", "mustRemove: [\"purchased=false\"]\n");
    write("bad.yaml", "mayAffect:\n  tenants: [\"tier in free\"]\n");
    assertThatThrownBy(() -> catalog(Duration.ofSeconds(60)))
        .isInstanceOfSatisfying(
            PolicyFileException.class,
            e -> {
              assertThat(e.file()).endsWith("bad.yaml");
              assertThat(e.field()).isEqualTo("mayAffect.tenants[0]");
            })
        .hasMessageContaining("bad.yaml, field mayAffect.tenants[0]: invalid label selector");
  }

  @Test
  void theStartupFailureNamesFileAndField() throws Exception {
    write("bad.yaml", "maxRemovedFraction: 2\n");
    PolicyFileException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            PolicyFileException.class, () -> catalog(Duration.ofSeconds(60)));
    var analysis =
        new PolicyFailureAnalyzer().analyze(new IllegalStateException("context failed", e));
    assertThat(analysis.getDescription())
        .startsWith("Invalid tool policy: ")
        .contains("bad.yaml, field maxRemovedFraction: 2.0 is not between 0 and 1");
    assertThat(analysis.getAction()).contains("canary.runs.policies");
  }

  @Test
  void invalidYamlAndBadNamesAreNamedToo() throws Exception {
    write("dup.yaml", "ineffective: fail\nineffective: warn\n");
    assertThatThrownBy(() -> PolicyFiles.load(dir))
        .hasMessageContaining("dup.yaml: not valid YAML")
        .hasMessageContaining("duplicate key");
    Files.delete(dir.resolve("dup.yaml"));
    write("Bad_Name.yaml", "{}\n");
    assertThatThrownBy(() -> PolicyFiles.load(dir)).hasMessageContaining("Bad_Name.yaml: the file");
  }

  @Test
  void reloadsOnChangeAndKeepsThePreviousPoliciesWhenTheNewFileIsBad() throws Exception {
    Path file = write("cleanup.yaml", "maxRemovedFraction: 0.5\n");
    catalog = catalog(Duration.ofSeconds(60));
    assertThat(catalog.find("cleanup")).map(ToolPolicy::maxRemovedFraction).contains(0.5);
    assertThat(toolCounter("cleanup")).isTrue();

    rewrite(file, "maxRemovedFraction: 0.2\n", 1);
    assertThat(catalog.reloadIfChanged()).isTrue();
    assertThat(catalog.find("cleanup")).map(ToolPolicy::maxRemovedFraction).contains(0.2);

    rewrite(file, "maxRemovedFraction: 7\n", 2);
    assertThat(catalog.reloadIfChanged()).isFalse();
    assertThat(catalog.find("cleanup")).map(ToolPolicy::maxRemovedFraction).contains(0.2);
    assertThat(catalog.lastProblem())
        .hasValueSatisfying(p -> assertThat(p).contains("cleanup.yaml, field maxRemovedFraction"));

    write("second-tool.yaml", "{}\n");
    rewrite(file, "maxRemovedFraction: 0.3\n", 3);
    assertThat(catalog.reloadIfChanged()).isTrue();
    assertThat(catalog.all()).containsOnlyKeys("cleanup", "second-tool");
    assertThat(catalog.lastProblem()).isEmpty();
    assertThat(toolCounter("second-tool")).isTrue();
  }

  @Test
  void theBackgroundReloadPicksUpAChangeWithoutACall() throws Exception {
    Path file = write("cleanup.yaml", "maxRemovedFraction: 0.5\n");
    catalog = catalog(Duration.ofMillis(100));
    rewrite(file, "maxRemovedFraction: 0.1\n", 1);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> catalog.find("cleanup").get().maxRemovedFraction() == 0.1);
  }

  private boolean toolCounter(String tool) {
    return registry.find("canary.tool.runs").tag("tool", tool).tag("verdict", "FAIL").counter()
        != null;
  }

  private PolicyCatalog catalog(Duration reload) {
    CanaryProperties canary =
        new CanaryProperties(
            "staging",
            null,
            dir,
            new CanaryProperties.Fixtures(dir, List.of("sandbox")),
            new CanaryProperties.Api(null, false),
            new CanaryProperties.Sandbox(0, "127.0.0.1", null),
            new CanaryProperties.Verification(Duration.ofSeconds(60), 500),
            new CanaryProperties.Incidents(Duration.ofSeconds(5), true),
            new CanaryProperties.Reseed(CanaryProperties.ReseedMode.AFTER_INCIDENT),
            null);
    RunsProperties runs =
        new RunsProperties(
            Duration.ofSeconds(5),
            Duration.ofSeconds(120),
            dir,
            reload,
            List.of(),
            reload,
            Duration.ofHours(2));
    return new PolicyCatalog(
        canary, runs, metrics(), new ComponentExecutors(Duration.ofSeconds(1)));
  }

  private CanaryMetrics metrics() {
    MetricsProperties properties =
        new MetricsProperties(
            List.of(Duration.ofSeconds(1)),
            List.of(Duration.ofSeconds(1)),
            List.of(Duration.ofMinutes(1)));
    return new CanaryMetrics(
        registry,
        properties,
        Clock.systemUTC(),
        new StaticListableBeanFactory().getBeanProvider(BuildProperties.class));
  }

  private Path write(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content);
  }

  /** Rewrites a file with a distinct modification time (file systems may have coarse clocks). */
  private void rewrite(Path file, String content, int step) throws Exception {
    Files.writeString(file, content);
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10L * step)));
  }
}
