package io.stagingcanary.metrics;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs Prometheus's {@code promtool}. Missing, the calling test is skipped with the install
 * command, unless {@code CANARY_CONTROL_PLANE_REQUIRED=true} (as CI sets it): then it fails.
 */
final class Promtool {

  static final String REQUIRED_ENV = "CANARY_CONTROL_PLANE_REQUIRED";

  /** What a run printed and returned. */
  record Result(int exitCode, String output) {}

  private Promtool() {}

  static Optional<Path> locate() {
    String configured = System.getenv("PROMTOOL");
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured)).filter(Files::isExecutable);
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "promtool");
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** The promtool binary, or the test is skipped (failed when required). */
  static Path require() {
    Optional<Path> promtool = locate();
    if (promtool.isEmpty()) {
      String message =
          "promtool not found on the PATH (or $PROMTOOL): install it with"
              + " `apt-get install prometheus`";
      if ("true".equalsIgnoreCase(System.getenv(REQUIRED_ENV))) {
        fail(message + " (" + REQUIRED_ENV + "=true: not skipping)");
      }
      Assumptions.abort(message);
    }
    return promtool.get();
  }

  static Result run(Path workingDir, String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(require().toString());
    command.addAll(List.of(args));
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(workingDir.toFile())
              .redirectErrorStream(true)
              .start();
      if (stdin != null) {
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("promtool did not finish in 60 s: " + command);
      }
      return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }
}
