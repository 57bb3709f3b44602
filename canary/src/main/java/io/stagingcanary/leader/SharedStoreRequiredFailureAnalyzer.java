package io.stagingcanary.leader;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains why leader election refuses the embedded H2 store, and the two ways out. */
class SharedStoreRequiredFailureAnalyzer
    extends AbstractFailureAnalyzer<SharedStoreRequiredException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, SharedStoreRequiredException cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Either point spring.datasource.url (with username and password) at a PostgreSQL"
            + " database every replica uses, or run exactly one replica with"
            + " canary.leader-election.enabled=false (deploy/overlays/single-replica).",
        cause);
  }
}
