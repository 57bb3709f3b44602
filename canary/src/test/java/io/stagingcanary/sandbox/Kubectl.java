package io.stagingcanary.sandbox;

import io.stagingcanary.controlplane.ControlPlaneBinaries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds a kubectl binary for tests: {@code KUBECTL}, the one the control-plane build caches
 * (located like {@link ControlPlaneBinaries}: {@code CANARY_CONTROL_PLANE_BIN}, then the pinned
 * version, then any cached version), or one on the PATH.
 */
final class Kubectl {

  record Result(int exitCode, String output) {}

  private final Path binary;
  private final Path kubeconfig;

  private Kubectl(Path binary, Path kubeconfig) {
    this.binary = binary;
    this.kubeconfig = kubeconfig;
  }

  static Optional<Kubectl> find(Path kubeconfig) {
    return candidates()
        .filter(Files::isExecutable)
        .findFirst()
        .map(b -> new Kubectl(b, kubeconfig));
  }

  private static Stream<Path> candidates() {
    List<Path> paths = new ArrayList<>();
    String explicit = System.getenv("KUBECTL");
    if (explicit != null && !explicit.isBlank()) {
      paths.add(Path.of(explicit));
    }
    // The control plane's own kubectl, found as the *IT tests find it (pinned version first).
    paths.add(ControlPlaneBinaries.locate().path("kubectl"));
    String cache = System.getenv("STAGING_CANARY_CACHE");
    Path root =
        cache != null && !cache.isBlank()
            ? Path.of(cache)
            : Path.of(System.getProperty("user.home"), ".cache", "staging-canary");
    Path controlPlane = root.resolve("control-plane");
    if (Files.isDirectory(controlPlane)) {
      try (Stream<Path> versions = Files.list(controlPlane)) {
        versions.sorted().forEach(v -> paths.add(v.resolve("bin").resolve("kubectl")));
      } catch (IOException e) {
        // No cached control plane: fall through to PATH.
      }
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty()) {
        paths.add(Path.of(dir, "kubectl"));
      }
    }
    return paths.stream();
  }

  Result run(String... args) throws IOException, InterruptedException {
    return runWithInput(null, args);
  }

  /** Runs kubectl with {@code input} on its standard input ({@code -f -}). */
  Result runWithInput(String input, String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of(binary.toString(), "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (input != null) {
      process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    }
    process.getOutputStream().close();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("kubectl timed out: " + String.join(" ", args));
    }
    return new Result(
        process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  /** {@code kubectl version --client} in one line, for test output. */
  String clientVersion() throws IOException, InterruptedException {
    return run("version", "--client").output().lines().findFirst().orElse("?");
  }

  @Override
  public String toString() {
    return binary.toString();
  }
}
