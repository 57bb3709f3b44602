package io.stagingcanary.verification;

/** What the agent knows about one sentinel right now. */
public enum SentinelState {
  /** The object the agent seeded is there (same uid) and as applied. */
  PRESENT,
  /** The ledger records it, the cluster no longer has it. */
  MISSING,
  /** The name exists but with another uid: what was there is gone. */
  REPLACED,
  /** A field the agent set changed (labels stripped, ownership changed, spec changed). */
  MODIFIED,
  /** Terminating, or a PVC that is Lost or bound elsewhere. */
  DEGRADED,
  /** Cannot be observed right now (API server unreachable, forbidden, informer not synced). */
  UNKNOWN,
  /**
   * Never seeded: a same-named object that is not the canary's holds the identity, or its namespace
   * is not the canary's to write into.
   */
  CONFLICT,
  /** Not yet verified since startup. */
  PENDING
}
