package io.stagingcanary.verification;

import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelResult;
import io.stagingcanary.diff.Snapshot;
import io.stagingcanary.fixtures.KindSpec;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * What the agent knows of its sentinels and its sight, read-only. The API, runs, data checks,
 * alerts and metrics read this port; only {@link Verifier} writes what it answers.
 */
public interface SentinelObservations {

  /**
   * The agent's state. An API server that stopped answering is BLIND at once, even while a
   * verification still waits for an answer to a request made before.
   */
  AgentState state();

  /** The latest result per sentinel; all UNKNOWN while the API server does not answer. */
  Map<ResourceKey, SentinelResult> current();

  Optional<VerificationResult> lastVerification();

  Optional<Instant> lastSuccessfulVerification();

  /** Since when the agent has been BLIND, if it is. */
  Optional<Instant> blindSince();

  Optional<String> blindReason();

  /** The cluster the sentinels were seeded on, once seeding completed. */
  Optional<ClusterIdentity> cluster();

  /**
   * The sentinels of these kinds as the informer caches hold them, without a request to the API
   * server. A kind whose informer is not synced and watching now, or every kind while the API
   * server does not answer, is unobserved with the reason.
   */
  Snapshot watched(Collection<KindSpec> kinds);
}
