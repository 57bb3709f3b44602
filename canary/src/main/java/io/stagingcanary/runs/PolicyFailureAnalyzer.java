package io.stagingcanary.runs;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a bad tool policy into one readable startup error naming file and field. */
class PolicyFailureAnalyzer extends AbstractFailureAnalyzer<PolicyFileException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, PolicyFileException cause) {
    return new FailureAnalysis(
        "Invalid tool policy: " + cause.getMessage(),
        "Fix the policy file named above (see docs/ci-gate.md for the format), or point"
            + " canary.runs.policies at another folder.",
        cause);
  }
}
