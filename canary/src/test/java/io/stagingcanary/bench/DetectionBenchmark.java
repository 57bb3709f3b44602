package io.stagingcanary.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The detection benchmark: a command, not a test. Runs the same {@link Workload} on every target of
 * {@code bench.targets} ({@code sandbox}: the fabric8 mock API server; {@code real}: etcd +
 * kube-apiserver + kube-controller-manager, skipped with a note when the binaries are absent) at
 * every size of {@code bench.sizes}, with the packaged agent as its own JVM, and writes {@code
 * bench-results.md} and {@code bench-results.json} ({@link ResultsWriter}).
 *
 * <p>Run it with {@code ./mvnw -pl canary -Pbench -DskipTests package exec:exec}; the settings are
 * system properties ({@link BenchSettings}, table in docs/performance.md).
 */
public final class DetectionBenchmark {

  private final BenchSettings settings;

  private DetectionBenchmark(BenchSettings settings) {
    this.settings = settings;
  }

  public static void main(String[] args) {
    int code;
    try {
      code = new DetectionBenchmark(BenchSettings.fromSystemProperties()).run();
    } catch (Exception e) {
      System.err.println("Benchmark failed: " + e);
      e.printStackTrace();
      code = 1;
    }
    System.exit(code);
  }

  private int run() throws Exception {
    if (!Files.isRegularFile(settings.jar())) {
      throw new IllegalStateException(
          settings.jar() + " not found: build it first with ./mvnw -q -DskipTests package");
    }
    Instant deadline = Instant.now().plus(settings.timeout());
    List<TargetResult> last = new ArrayList<>();
    List<TargetResult> all = new ArrayList<>();
    int failures = 0;
    for (String name : settings.targets()) {
      BenchTarget target = BenchTarget.named(name);
      Optional<String> unavailable = target.unavailable();
      if (unavailable.isPresent()) {
        say("%s: skipped: %s", name, unavailable.get());
        last.add(TargetResult.skipped(name, unavailable.get()));
        continue;
      }
      TargetResult latest = null;
      for (int size : settings.sizes()) {
        TargetResult result;
        try {
          result = new Workload(settings, target, size, deadline).run();
        } catch (Exception e) {
          failures++;
          say("%s at %,d sentinels failed: %s", name, size, e);
          e.printStackTrace();
          result = TargetResult.skipped(name, "failed at " + size + " sentinels: " + e);
        }
        all.add(result);
        latest = result;
      }
      last.add(latest);
    }
    ResultsWriter writer = new ResultsWriter(header(), last, all, kubectlSeconds(last));
    writer.write(settings.markdown(), settings.json());
    System.out.println();
    System.out.println(writer.markdown());
    say("Results written to %s and %s", settings.markdown(), settings.json());
    return failures == 0 ? 0 : 1;
  }

  /** The obvious alternative on the real API server when it ran, else on the sandbox. */
  private static double kubectlSeconds(List<TargetResult> results) {
    double sandbox = Double.NaN;
    for (TargetResult result : results) {
      if (result.isSkipped()) {
        continue;
      }
      double value = result.get("kubectl_get_diff_s");
      if ("real".equals(result.target()) && !Double.isNaN(value)) {
        return value;
      }
      sandbox = Double.isNaN(sandbox) ? value : sandbox;
    }
    return sandbox;
  }

  private String header() {
    return String.format(
        Locale.ROOT,
        "Run %s UTC on %s; load average at the end %s. Targets %s, sizes %s; every target object"
            + " in the JSON is its last size.",
        DateTimeFormatter.ISO_LOCAL_DATE_TIME
            .withZone(ZoneOffset.UTC)
            .format(Instant.now().truncatedTo(ChronoUnit.SECONDS)),
        machine(),
        loadAverage(),
        settings.targets(),
        settings.sizes());
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split("\\s+");
      return parts[0] + " / " + parts[1] + " / " + parts[2] + " (1 / 5 / 15 min)";
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String machine() {
    String memory = "?";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
          memory = String.format(Locale.ROOT, "%.1f GiB", kib / (1024.0 * 1024));
        }
      }
    } catch (IOException e) {
      // Not Linux: leave it unknown.
    }
    return String.format(
        "%d cores, %s RAM, %s %s, Java %s (%s)",
        Runtime.getRuntime().availableProcessors(),
        memory,
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"));
  }

  static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void say(String format, Object... args) {
    System.out.printf(
        "[bench %s] %s%n",
        DateTimeFormatter.ISO_LOCAL_TIME
            .withZone(ZoneOffset.UTC)
            .format(Instant.now().truncatedTo(ChronoUnit.SECONDS)),
        String.format(Locale.ROOT, format, args));
  }
}
