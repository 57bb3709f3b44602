package io.stagingcanary.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark runs the agent as the Deployment does: its JVM options and its malloc setting. */
class BenchSettingsTest {

  @TempDir Path dir;

  @Test
  void readsTheJvmOptionsAndTheMallocArenasTheDeploymentSets() throws Exception {
    Path deployment = dir.resolve("deployment.yaml");
    Files.writeString(
        deployment,
        """
          env:
            - name: JAVA_TOOL_OPTIONS
              value: -Xmx160m -XX:+UseSerialGC
            - name: MALLOC_ARENA_MAX
              value: "2"
        """);

    assertThat(BenchSettings.deployedJvmOptions(deployment)).isEqualTo("-Xmx160m -XX:+UseSerialGC");
    assertThat(BenchSettings.deployedMemoryEnv(deployment))
        .isEqualTo(Map.of("MALLOC_ARENA_MAX", "2"));
  }

  @Test
  void aDeploymentWithoutMallocSettingsGivesNoEnvironment() throws Exception {
    Path deployment = dir.resolve("deployment.yaml");
    Files.writeString(
        deployment,
        """
          env:
            - name: JAVA_TOOL_OPTIONS
              value: -Xmx256m
        """);

    assertThat(BenchSettings.deployedMemoryEnv(deployment)).isEmpty();
  }

  @Test
  void theShippedDeploymentIsReadable() {
    Path shipped = Path.of("..").resolve(BenchSettings.DEPLOYMENT);

    assertThat(BenchSettings.deployedJvmOptions(shipped)).contains("-Xmx");
  }
}
