package io.stagingcanary.seeding;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The result of one seeding pass. */
public record SeedReport(
    String runId, String clusterId, Instant startedAt, Duration took, List<SeedOutcome> outcomes) {

  public Map<SeedOutcome.Result, Integer> counts() {
    Map<SeedOutcome.Result, Integer> counts = new EnumMap<>(SeedOutcome.Result.class);
    for (SeedOutcome outcome : outcomes) {
      counts.merge(outcome.result(), 1, Integer::sum);
    }
    return counts;
  }

  public int count(SeedOutcome.Result result) {
    return counts().getOrDefault(result, 0);
  }
}
