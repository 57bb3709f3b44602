package io.stagingcanary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The obvious alternative to the agent: {@code kubectl get ... -o json} twice and a {@code diff}.
 * kubectl is taken from {@code KUBECTL}, the {@code PATH}, or the control-plane cache.
 */
final class Kubectl {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The two listings and the diff, timed. */
  record Timing(
      double firstMillis,
      double secondMillis,
      double diffMillis,
      int items,
      long bytes,
      String version) {

    double totalSeconds() {
      return (firstMillis + secondMillis + diffMillis) / 1000;
    }
  }

  private Kubectl() {}

  /** Empty when there is no kubectl. */
  static Optional<Timing> timeGetAndDiff(Path kubeconfig, Path work) throws Exception {
    Optional<Path> kubectl = find();
    if (kubectl.isEmpty()) {
      return Optional.empty();
    }
    Path first = work.resolve("before.json");
    Path second = work.resolve("after.json");
    double a = runTimed(command(kubectl.get(), kubeconfig, work), first);
    double b = runTimed(command(kubectl.get(), kubeconfig, work), second);
    double d = runTimed(List.of("diff", first.toString(), second.toString()), null);
    int items = JSON.readTree(first.toFile()).path("items").size();
    return Optional.of(new Timing(a, b, d, items, Files.size(first), versionOf(kubectl.get())));
  }

  private static List<String> command(Path kubectl, Path kubeconfig, Path work) {
    return List.of(
        kubectl.toString(),
        "--kubeconfig",
        kubeconfig.toString(),
        "--cache-dir",
        work.resolve("kube-cache").toString(),
        "get",
        "namespaces,serviceaccounts,configmaps,secrets",
        "-A",
        "-l",
        "stagingcanary.io/sentinel=true",
        "-o",
        "json");
  }

  private static double runTimed(List<String> command, Path stdout) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.redirectOutput(
        stdout == null
            ? ProcessBuilder.Redirect.DISCARD
            : ProcessBuilder.Redirect.to(stdout.toFile()));
    long started = System.nanoTime();
    Process process = builder.start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException(command.get(0) + " did not finish within 5 minutes");
    }
    double millis = (System.nanoTime() - started) / 1e6;
    if (stdout != null && process.exitValue() != 0) {
      throw new IllegalStateException(command + " exited with " + process.exitValue());
    }
    return millis;
  }

  private static String versionOf(Path kubectl) {
    try {
      Process process =
          new ProcessBuilder(kubectl.toString(), "version", "--client", "-o", "json")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String out = new String(process.getInputStream().readAllBytes());
      process.waitFor(30, TimeUnit.SECONDS);
      return "client " + JSON.readTree(out).path("clientVersion").path("gitVersion").asText("?");
    } catch (IOException e) {
      return "version unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "version unknown";
    }
  }

  private static Optional<Path> find() {
    List<Path> candidates = new ArrayList<>();
    String explicit = System.getenv("KUBECTL");
    if (explicit != null && !explicit.isBlank()) {
      candidates.add(Path.of(explicit));
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir, "kubectl"));
      }
    }
    String cache = System.getenv("STAGING_CANARY_CACHE");
    Path root =
        cache != null && !cache.isBlank()
            ? Path.of(cache)
            : Path.of(System.getProperty("user.home"), ".cache", "staging-canary");
    Path controlPlane = root.resolve("control-plane");
    if (Files.isDirectory(controlPlane)) {
      try (Stream<Path> versions = Files.list(controlPlane)) {
        versions.sorted().forEach(v -> candidates.add(v.resolve("bin").resolve("kubectl")));
      } catch (IOException e) {
        // No cache: PATH only.
      }
    }
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }
}
