package io.stagingcanary.runs;

import java.time.Instant;

/**
 * Published synchronously for every verdict, inside the transaction that stores it (after {@link
 * ToolRunFailed} for a FAIL), so that what a listener writes to the ledger database (the alert
 * outbox: a PASS resolves the tool's open violations; held loss alerts are released or merged)
 * commits with the verdict.
 *
 * @param verdict {@code PASS}, {@code FAIL} or {@code ERROR}
 */
public record RunVerdictStored(
    String runId,
    String tool,
    String toolVersion,
    String verdict,
    String clusterName,
    String clusterId,
    Instant at) {

  public boolean passed() {
    return "PASS".equals(verdict);
  }
}
