package io.stagingcanary.seeding;

import io.stagingcanary.fixtures.SentinelFixture;

/** What one seeding pass did with one sentinel. */
public record SeedOutcome(SentinelFixture sentinel, Result result, String detail) {

  /** The possible results for one sentinel. */
  public enum Result {
    /** Created now and recorded in the ledger. */
    CREATED,
    /** Present and owned; the fixture changed, so the agent updated it. */
    UPDATED,
    /** Present, owned and as applied: nothing to do. */
    UNCHANGED,
    /**
     * Present with the uid a previous identity of this cluster recorded for it (the identity
     * changed, the object did not): recorded under the current identity, not touched.
     */
    ADOPTED,
    /** A same-named object that is not the canary's holds the identity; never touched. */
    CONFLICT,
    /** In the ledger but gone from the cluster: a loss, left for detection to report. */
    MISSING,
    /**
     * Not written: the namespace it belongs in is not one the canary may write into (not a sentinel
     * namespace the ledger owns by uid, nor listed in the set's {@code externalNamespaces}, or a
     * system namespace). A lost sentinel stays lost.
     */
    REFUSED
  }
}
