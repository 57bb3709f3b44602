package io.stagingcanary.verification;

/** The agent's overall state, as the status API and metrics report it. */
public enum AgentState {
  /** Not yet verified once since startup. */
  STARTING,
  /** Every sentinel observed and present. */
  HEALTHY,
  /** At least one sentinel is lost, replaced, modified or degraded. */
  LOSS,
  /** Some sentinels cannot be observed (API server unreachable, forbidden, informer not synced). */
  BLIND
}
