package io.stagingcanary.rules;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one ops tool may do to the sentinels.
 *
 * @param tool the tool's name (the policy file's base name)
 * @param mayAffect tenants whose objects the tool may touch (any selector matching is enough)
 * @param removableKinds kinds the tool may remove in those tenants; {@code *} means every kind
 * @param modifiableKinds kinds the tool may modify in those tenants; {@code *} means every kind
 * @param mustRemove bait tenants the tool is expected to remove; everything of theirs may go
 * @param maxRemovedFraction the largest share of all sentinels a run may remove (0..1)
 * @param ineffective what a run that leaves bait in place is
 */
public record ToolPolicy(
    String tool,
    String description,
    List<LabelSelector> mayAffect,
    Set<String> removableKinds,
    Set<String> modifiableKinds,
    List<LabelSelector> mustRemove,
    double maxRemovedFraction,
    Ineffective ineffective) {

  /** Wildcard kind. */
  public static final String ANY_KIND = "*";

  public ToolPolicy {
    description = description == null ? "" : description;
    mayAffect = List.copyOf(mayAffect);
    removableKinds = Collections.unmodifiableSet(new TreeSet<>(removableKinds));
    modifiableKinds = Collections.unmodifiableSet(new TreeSet<>(modifiableKinds));
    mustRemove = List.copyOf(mustRemove);
  }

  /** Verdict of a run that did not remove the bait. */
  public enum Ineffective {
    FAIL,
    WARN
  }

  /** Whether the tenant (by its labels) is bait the tool must remove. */
  public boolean isBait(Map<String, String> tenantLabels) {
    return mustRemove.stream().anyMatch(s -> s.matches(tenantLabels));
  }

  /** Whether the tenant is inside the declared blast radius (may-affect or bait). */
  public boolean mayAffectTenant(Map<String, String> tenantLabels) {
    return isBait(tenantLabels) || mayAffect.stream().anyMatch(s -> s.matches(tenantLabels));
  }

  public boolean mayRemove(String kind) {
    return removableKinds.contains(ANY_KIND) || removableKinds.contains(kind);
  }

  public boolean mayModify(String kind) {
    return mayRemove(kind) || modifiableKinds.contains(ANY_KIND) || modifiableKinds.contains(kind);
  }

  /** Whether a change of this kind to this tenant's sentinel is declared (blast radius). */
  public boolean declares(Map<String, String> tenantLabels, String kind, boolean removal) {
    if (isBait(tenantLabels)) {
      return true;
    }
    if (!mayAffectTenant(tenantLabels)) {
      return false;
    }
    return removal ? mayRemove(kind) : mayModify(kind);
  }
}
