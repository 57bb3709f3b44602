package io.stagingcanary.verification;

/** What the agent knows about one sentinel right now. */
public enum SentinelState {
  /** The object the agent seeded is there (same uid). */
  PRESENT,
  /** The ledger records it, the cluster no longer has it. */
  MISSING,
  /** Its identity is held by an object the canary does not own; never touched. */
  CONFLICT
}
