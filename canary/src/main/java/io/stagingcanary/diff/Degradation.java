package io.stagingcanary.diff;

import java.util.ArrayList;
import java.util.List;

/** Health problems of an object that is still there: terminating, PVC lost or rebound. */
final class Degradation {

  private Degradation() {}

  /**
   * Reasons why {@code actual} is degraded. Against a baseline only new problems count (a PVC
   * already Lost at baseline was not lost by the run). The expected volume is only known when the
   * baseline (or a manifest pinning spec.volumeName) names one.
   */
  static List<String> reasons(ObservedState expected, ObservedState actual) {
    List<String> reasons = new ArrayList<>();
    if (actual.terminating() && !expected.terminating()) {
      reasons.add("terminating (deletionTimestamp " + actual.deletionTimestamp() + ")");
    }
    if ("Lost".equals(actual.phase()) && !"Lost".equals(expected.phase())) {
      reasons.add("PVC phase Lost (its volume is gone)");
    }
    String before = expected.volumeName();
    if (before != null && !before.equals(actual.volumeName())) {
      reasons.add(
          actual.volumeName() == null
              ? "no longer bound to volume " + before
              : "bound to a different volume (" + before + " → " + actual.volumeName() + ")");
    }
    return reasons;
  }
}
