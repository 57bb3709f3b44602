package io.stagingcanary.diff;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The two comparisons: ledger against a snapshot, and baseline snapshot against a later one. */
public final class Diff {

  /** Label naming the sentinel set an object belongs to. */
  public static final String SET_LABEL = "stagingcanary.io/set";

  /** Label naming the tenant an object belongs to. */
  public static final String TENANT_LABEL = "stagingcanary.io/tenant";

  private Diff() {}

  /** Judges every ledger sentinel against what the snapshot holds. */
  public static DiffResult compare(Collection<ExpectedSentinel> ledger, Snapshot snapshot) {
    List<SentinelResult> results = new ArrayList<>();
    for (ExpectedSentinel sentinel : ledger) {
      SentinelStatus status =
          judge(sentinel.expectedState(), snapshot.get(sentinel.key()), snapshot);
      results.add(new SentinelResult(sentinel.key(), sentinel.set(), sentinel.tenant(), status));
    }
    return new DiffResult(results, Ownership.orphans(results));
  }

  /**
   * Judges sentinels in {@code after} against their {@code before} state (for the CI gate around an
   * ops-tool run). Set and tenant come from the baseline's labels; sentinels absent from the
   * baseline are not judged but reported as {@link Finding.NotAtBaseline}. A sentinel at the same
   * uid and resourceVersion on both sides is unchanged without a field-by-field comparison.
   */
  public static DiffResult between(Snapshot before, Snapshot after, Set<ResourceKey> sentinels) {
    List<SentinelResult> results = new ArrayList<>();
    List<Finding> findings = new ArrayList<>();
    for (ResourceKey key : new TreeSet<>(sentinels)) {
      if (!before.observes(key)) {
        String reason = "not observed at baseline: " + before.blindReason(key);
        results.add(new SentinelResult(key, null, null, new SentinelStatus.Unknown(reason)));
        continue;
      }
      ObservedState baseline = before.get(key);
      if (baseline == null) {
        findings.add(new Finding.NotAtBaseline(key));
        continue;
      }
      ObservedState now = after.get(key);
      SentinelStatus status =
          sameVersion(baseline, now) && after.observes(key)
              ? new SentinelStatus.Present()
              : judge(baseline, now, after);
      results.add(
          new SentinelResult(key, baseline.label(SET_LABEL), baseline.label(TENANT_LABEL), status));
    }
    findings.addAll(Ownership.orphans(results));
    return new DiffResult(results, findings);
  }

  /**
   * The API server changes an object's resourceVersion on every write: the same uid at the same
   * version is the same object, nothing to compare (10,000 unchanged sentinels around a run).
   */
  private static boolean sameVersion(ObservedState before, ObservedState after) {
    return after != null
        && before.resourceVersion() != null
        && before.uid() != null
        && before.resourceVersion().equals(after.resourceVersion())
        && before.uid().equals(after.uid());
  }

  private static SentinelStatus judge(
      ObservedState expected, ObservedState actual, Snapshot snapshot) {
    if (!snapshot.observes(expected.key())) {
      return new SentinelStatus.Unknown(snapshot.blindReason(expected.key()));
    }
    if (actual == null) {
      return new SentinelStatus.Missing();
    }
    if (expected.uid() != null && actual.uid() != null && !expected.uid().equals(actual.uid())) {
      return new SentinelStatus.Replaced(expected.uid(), actual.uid());
    }
    List<FieldChange> changes =
        Redaction.apply(
            expected.key(), Ownership.classify(expected, Subset.changes(expected, actual)));
    List<String> degraded = Degradation.reasons(expected, actual);
    if (!degraded.isEmpty()) {
      return new SentinelStatus.Degraded(degraded, changes);
    }
    return changes.isEmpty() ? new SentinelStatus.Present() : new SentinelStatus.Modified(changes);
  }
}
