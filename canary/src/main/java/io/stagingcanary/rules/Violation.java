package io.stagingcanary.rules;

import io.stagingcanary.diff.ResourceKey;

/**
 * One broken rule.
 *
 * @param sentinel the sentinel concerned; null for a rule about the run as a whole
 *     (maxRemovedFraction)
 * @param tenant the sentinel's tenant, or null
 * @param happened what happened to it, e.g. "MISSING" or "not removed"
 * @param rule which rule it broke
 * @param explanation one sentence naming the rule's setting
 */
public record Violation(
    ResourceKey sentinel, String tenant, String happened, Rule rule, String explanation) {

  /** The rules a run can break. */
  public enum Rule {
    /** The run has no policy, so nothing may change. */
    NO_POLICY,
    /** The tenant is not selected by mayAffect or mustRemove. */
    OUTSIDE_BLAST_RADIUS,
    /** The tenant may be affected, but not this kind in this way. */
    KIND_NOT_ALLOWED,
    /** Bait that the tool must remove is still there. */
    INEFFECTIVE,
    /** The run removed more than maxRemovedFraction of all sentinels. */
    MAX_REMOVED_FRACTION
  }

  /** A short one-line description. */
  public String describe() {
    String what = sentinel == null ? "run" : sentinel + (tenant == null ? "" : " (" + tenant + ")");
    return rule + ": " + what + " " + happened + " — " + explanation;
  }
}
