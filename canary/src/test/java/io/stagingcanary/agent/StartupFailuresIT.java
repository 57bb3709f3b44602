package io.stagingcanary.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar refuses to start on bad input: it exits non-zero with one message naming what
 * was wrong and where. Runs the real {@code canary/target/canary.jar} (built by {@code package}).
 */
class StartupFailuresIT {

  static final Path JAR = Path.of("target", "canary.jar");
  @TempDir Path dir;

  record Run(int exitCode, String output) {}

  @Test
  void aBadFixtureNamesFileDocumentAndField() throws Exception {
    Path set = Files.createDirectories(dir.resolve("fixtures/broken"));
    Files.writeString(
        set.resolve("set.yaml"),
        "name: broken\ndescription: test\nkinds:\n  - apiVersion: v1\n    kind: Namespace\n"
            + "  - apiVersion: v1\n    kind: ConfigMap\n");
    Path tenant = Files.createDirectories(set.resolve("acme"));
    Files.writeString(tenant.resolve("tenant.yaml"), "labels:\n  tier: pro\n");
    Files.writeString(
        tenant.resolve("objects.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: canary-acme\n---\n"
            + "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n");

    Run run =
        start(
            "--canary.fixtures.path=" + dir.resolve("fixtures"),
            "--canary.fixtures.sets=broken",
            "--canary.data-dir=" + dir.resolve("data"));

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.output())
        .contains("Invalid fixture")
        .contains("broken/acme/objects.yaml")
        .contains("document 2")
        .contains("metadata.namespace");
  }

  @Test
  void noReachableClusterSaysWhichServerAndHowToStartTheSandbox() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: gone\n  cluster:\n    server: https://127.0.0.1:"
            + closedPort
            + "\n    insecure-skip-tls-verify: true\ncontexts:\n- name: gone\n  context:\n"
            + "    cluster: gone\n    user: gone\ncurrent-context: gone\nusers:\n- name: gone\n"
            + "  user:\n    token: x\n");

    Run run =
        start(
            List.of(
                "-Dkubeconfig=" + kubeconfig,
                "-Dkubernetes.request.timeout=3000",
                "-Dkubernetes.request.retry.backoffLimit=1"),
            "--canary.fixtures.path=../fixtures",
            "--canary.data-dir=" + dir.resolve("data"));

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.output())
        .contains("Cannot reach the Kubernetes API server at https://127.0.0.1:" + closedPort)
        .contains("--spring.profiles.active=sandbox");
  }

  @Test
  void anInvalidSettingNamesTheProperty() throws Exception {
    Run run =
        start(
            "--canary.incidents.group-window=45s",
            "--canary.fixtures.path=../fixtures",
            "--canary.data-dir=" + dir.resolve("data"));

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.output()).contains("canary.incidents").contains("group-window");
  }

  private Run start(String... args) throws IOException, InterruptedException {
    return start(List.of(), args);
  }

  private Run start(List<String> jvmArgs, String... args) throws IOException, InterruptedException {
    assertThat(JAR).as("run after package: mvn verify").exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.addAll(List.of("-jar", JAR.toString(), "--server.port=0"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the agent did not stop: " + String.join(" ", command));
    }
    return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
