package io.stagingcanary.diff;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** All verdicts (one per sentinel, ordered by key) and the findings of one diff. */
public record DiffResult(List<SentinelResult> results, List<Finding> findings) {

  public DiffResult {
    List<SentinelResult> sorted = new ArrayList<>(results);
    sorted.sort((a, b) -> a.key().compareTo(b.key()));
    results = List.copyOf(sorted);
    List<Finding> sortedFindings = new ArrayList<>(findings);
    sortedFindings.sort((a, b) -> a.key().compareTo(b.key()));
    findings = List.copyOf(sortedFindings);
  }

  /** Every sentinel that is not Present. */
  public List<SentinelResult> changes() {
    return results.stream().filter(r -> r.type() != StatusType.PRESENT).toList();
  }

  /** True when every sentinel is Present. */
  public boolean isClean() {
    return changes().isEmpty();
  }

  /** Number of sentinels per status (every status present, zero when none). */
  public Map<StatusType, Integer> countsByStatus() {
    Map<StatusType, Integer> counts = new EnumMap<>(StatusType.class);
    for (StatusType type : StatusType.values()) {
      counts.put(type, 0);
    }
    results.forEach(r -> counts.merge(r.type(), 1, Integer::sum));
    return Collections.unmodifiableMap(counts);
  }

  /** Number of sentinels per kind among those matching, sorted by kind. */
  public Map<String, Integer> countsByKind(Predicate<StatusType> which) {
    Map<String, Integer> counts = new TreeMap<>();
    results.stream()
        .filter(r -> which.test(r.type()))
        .forEach(r -> counts.merge(r.key().kind(), 1, Integer::sum));
    return Collections.unmodifiableMap(counts);
  }

  /** Number of lost (Missing or Replaced) sentinels per kind, sorted by kind. */
  public Map<String, Integer> lostByKind() {
    return countsByKind(StatusType::lost);
  }
}
