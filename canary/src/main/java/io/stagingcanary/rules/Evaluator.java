package io.stagingcanary.rules;

import io.stagingcanary.diff.DiffResult;
import io.stagingcanary.diff.SentinelResult;
import io.stagingcanary.diff.SentinelStatus;
import io.stagingcanary.diff.StatusType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Judges the before/after diff of one run against the tool's policy. Rules, in order:
 *
 * <ol>
 *   <li>a sentinel that could not be observed makes the verdict ERROR (blind is not judged);
 *   <li>without a policy, every change is a violation ({@code NO_POLICY});
 *   <li>a changed sentinel of a tenant outside {@code mayAffect}/{@code mustRemove} is {@code
 *       OUTSIDE_BLAST_RADIUS}; inside, a removal (missing, replaced, terminating) needs its kind in
 *       {@code mayAffect.remove}, a modification in {@code remove} or {@code modify} ({@code
 *       KIND_NOT_ALLOWED}); bait tenants may lose anything;
 *   <li>a bait tenant that lost nothing is {@code INEFFECTIVE} (or a warning with {@code
 *       ineffective: warn});
 *   <li>removing more than {@code maxRemovedFraction} of all sentinels is {@code
 *       MAX_REMOVED_FRACTION}.
 * </ol>
 */
public final class Evaluator {

  private Evaluator() {}

  /**
   * @param policy the tool's policy, or null when it has none
   * @param diff {@code Diff.between(before, after, sentinels)}
   * @param tenantLabels the labels of every tenant, by tenant name
   */
  public static Verdict evaluate(
      ToolPolicy policy, DiffResult diff, Map<String, Map<String, String>> tenantLabels) {
    List<String> blind =
        diff.results().stream()
            .filter(r -> r.status() instanceof SentinelStatus.Unknown)
            .map(r -> r.key() + ": " + ((SentinelStatus.Unknown) r.status()).reason())
            .toList();
    if (!blind.isEmpty()) {
      return new Verdict.Error(
          "blind during the run, "
              + blind.size()
              + " sentinel(s) not observed (first: "
              + blind.get(0)
              + ")");
    }
    if (diff.results().isEmpty()) {
      return new Verdict.Error("no sentinels at baseline: nothing to judge");
    }
    List<Violation> violations = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (SentinelResult change : diff.changes()) {
      Map<String, String> labels = labels(tenantLabels, change.tenant());
      boolean removal = isRemoval(change);
      String happened = happened(change);
      if (policy == null) {
        violations.add(
            new Violation(
                change.key(),
                change.tenant(),
                happened,
                Violation.Rule.NO_POLICY,
                "the tool has no policy, so no sentinel may change"));
      } else if (!policy.mayAffectTenant(labels)) {
        violations.add(
            new Violation(
                change.key(),
                change.tenant(),
                happened,
                Violation.Rule.OUTSIDE_BLAST_RADIUS,
                "tenant "
                    + change.tenant()
                    + " "
                    + describe(labels)
                    + " is selected by neither mayAffect.tenants "
                    + selectors(policy.mayAffect())
                    + " nor mustRemove "
                    + selectors(policy.mustRemove())));
      } else if (!policy.declares(labels, change.key().kind(), removal)) {
        violations.add(
            new Violation(
                change.key(),
                change.tenant(),
                happened,
                Violation.Rule.KIND_NOT_ALLOWED,
                removal
                    ? "mayAffect.remove "
                        + policy.removableKinds()
                        + " does not list "
                        + change.key().kind()
                    : "neither mayAffect.modify "
                        + policy.modifiableKinds()
                        + " nor mayAffect.remove lists "
                        + change.key().kind()));
      }
    }
    if (policy != null) {
      checkBait(policy, diff, tenantLabels, violations, warnings);
      checkFraction(policy, diff, violations);
    }
    return violations.isEmpty()
        ? new Verdict.Pass(warnings)
        : new Verdict.Fail(violations, warnings);
  }

  private static void checkBait(
      ToolPolicy policy,
      DiffResult diff,
      Map<String, Map<String, String>> tenantLabels,
      List<Violation> violations,
      List<String> warnings) {
    if (policy.mustRemove().isEmpty()) {
      return;
    }
    Map<String, List<SentinelResult>> baitByTenant = new TreeMap<>();
    for (SentinelResult r : diff.results()) {
      if (r.tenant() != null && policy.isBait(labels(tenantLabels, r.tenant()))) {
        baitByTenant.computeIfAbsent(r.tenant(), t -> new ArrayList<>()).add(r);
      }
    }
    if (baitByTenant.isEmpty()) {
      warnings.add(
          "no bait tenant matching mustRemove "
              + selectors(policy.mustRemove())
              + " was present at baseline: effectiveness not judged");
      return;
    }
    baitByTenant.forEach(
        (tenant, results) -> {
          if (results.stream().anyMatch(Evaluator::isRemoval)) {
            return;
          }
          String explanation =
              "bait tenant "
                  + tenant
                  + " matches mustRemove "
                  + selectors(policy.mustRemove())
                  + " but none of its "
                  + results.size()
                  + " sentinels was removed: the run was ineffective";
          if (policy.ineffective() == ToolPolicy.Ineffective.WARN) {
            warnings.add(explanation);
          } else {
            SentinelResult anchor =
                results.stream()
                    .filter(r -> Set.of("Namespace", "Project").contains(r.key().kind()))
                    .findFirst()
                    .orElse(results.get(0));
            violations.add(
                new Violation(
                    anchor.key(), tenant, "not removed", Violation.Rule.INEFFECTIVE, explanation));
          }
        });
  }

  private static void checkFraction(
      ToolPolicy policy, DiffResult diff, List<Violation> violations) {
    long removed = diff.results().stream().filter(Evaluator::isRemoval).count();
    int total = diff.results().size();
    double fraction = (double) removed / total;
    if (fraction > policy.maxRemovedFraction()) {
      violations.add(
          new Violation(
              null,
              null,
              "removed " + removed + " of " + total + " sentinels (" + percent(fraction) + ")",
              Violation.Rule.MAX_REMOVED_FRACTION,
              "maxRemovedFraction is "
                  + policy.maxRemovedFraction()
                  + " ("
                  + percent(policy.maxRemovedFraction())
                  + ")"));
    }
  }

  /** Missing, replaced, or degraded (terminating, PVC lost): on its way out. */
  static boolean isRemoval(SentinelResult r) {
    return r.type().lost() || r.type() == StatusType.DEGRADED;
  }

  private static String happened(SentinelResult r) {
    if (r.status() instanceof SentinelStatus.Degraded d) {
      return "DEGRADED (" + String.join("; ", d.reasons()) + ")";
    }
    return r.type().name();
  }

  private static Map<String, String> labels(
      Map<String, Map<String, String>> tenantLabels, String tenant) {
    return tenant == null ? Map.of() : tenantLabels.getOrDefault(tenant, Map.of());
  }

  private static String describe(Map<String, String> labels) {
    return new LinkedHashMap<>(new TreeMap<>(labels))
        .entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(",", "{", "}"));
  }

  private static String selectors(List<LabelSelector> selectors) {
    return selectors.stream()
        .map(s -> "\"" + s.text() + "\"")
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
  }
}
