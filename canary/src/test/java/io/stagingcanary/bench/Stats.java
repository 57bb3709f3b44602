package io.stagingcanary.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Percentiles and small formatting helpers of the benchmark. */
final class Stats {

  private Stats() {}

  /** Nearest-rank percentile; {@code NaN} for no values. */
  static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Comparator.naturalOrder());
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  static double max(List<Double> values) {
    return values.isEmpty() ? Double.NaN : Collections.max(values);
  }

  /** "p50 / p95 / p99 / max ms", or "n/a". */
  static String latencies(List<Double> millis) {
    if (millis.isEmpty()) {
      return "n/a";
    }
    return String.format(
        Locale.ROOT,
        "%.1f / %.1f / %.1f / %.1f ms",
        percentile(millis, 50),
        percentile(millis, 95),
        percentile(millis, 99),
        max(millis));
  }

  static double millisBetween(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e6;
  }

  static double secondsBetween(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }
}
