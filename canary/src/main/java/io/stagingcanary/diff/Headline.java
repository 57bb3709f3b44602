package io.stagingcanary.diff;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One line summing a diff up, e.g. {@code 3 tenants affected: 14 sentinels lost — Namespace 3,
 * PersistentVolumeClaim 5; 2 modified; 1 unknown}, or {@code All 42 sentinels present}.
 */
public final class Headline {

  private Headline() {}

  /** The headline of a result. */
  public static String of(DiffResult result) {
    Map<StatusType, Integer> counts = result.countsByStatus();
    long notAtBaseline =
        result.findings().stream().filter(f -> f instanceof Finding.NotAtBaseline).count();
    long orphaned = result.findings().stream().filter(f -> f instanceof Finding.Orphaned).count();
    if (result.isClean() && orphaned == 0) {
      int total = result.results().size();
      if (total == 0 && notAtBaseline == 0) {
        return "No sentinels to check";
      }
      String line = "All " + total + " " + plural(total, "sentinel") + " present";
      return notAtBaseline == 0 ? line : line + "; " + notAtBaseline + " not present at baseline";
    }
    List<String> parts = new ArrayList<>();
    int lost = counts.get(StatusType.MISSING) + counts.get(StatusType.REPLACED);
    if (lost > 0) {
      String byKind =
          result.lostByKind().entrySet().stream()
              .map(e -> e.getKey() + " " + e.getValue())
              .collect(Collectors.joining(", "));
      parts.add(lost + " " + plural(lost, "sentinel") + " lost — " + byKind);
    }
    addCount(parts, counts.get(StatusType.DEGRADED), "degraded");
    addCount(parts, counts.get(StatusType.MODIFIED), "modified");
    addCount(parts, counts.get(StatusType.UNKNOWN), "unknown");
    addCount(parts, orphaned, "orphaned");
    addCount(parts, notAtBaseline, "not present at baseline");
    int tenants = affectedTenants(result);
    return tenants + " " + plural(tenants, "tenant") + " affected: " + String.join("; ", parts);
  }

  private static int affectedTenants(DiffResult result) {
    Set<String> tenants = new HashSet<>();
    result.changes().forEach(r -> tenants.add(r.tenant()));
    result.findings().stream()
        .filter(f -> f instanceof Finding.Orphaned)
        .forEach(f -> tenants.add(f.tenant()));
    return tenants.size();
  }

  private static void addCount(List<String> parts, long count, String what) {
    if (count > 0) {
      parts.add(count + " " + what);
    }
  }

  private static String plural(long count, String word) {
    return count == 1 ? word : word + "s";
  }
}
