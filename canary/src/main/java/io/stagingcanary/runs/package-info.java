/**
 * Ops-tool runs: begin/complete under a policy, verdicts, run expiry, in-cluster Job bracketing and
 * the policy catalogue. Must not depend on {@code api} or {@code alerts}.
 */
package io.stagingcanary.runs;
