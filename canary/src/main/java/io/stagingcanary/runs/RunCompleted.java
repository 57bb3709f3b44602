package io.stagingcanary.runs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Published once when an ops-tool run's verdict has been stored. Consumers: metrics, the data
 * integrity checker (re-checks the claims of touched tenants), alerting (via {@link
 * ToolRunFailed}).
 *
 * @param verdict {@code PASS}, {@code FAIL} or {@code ERROR}
 * @param touchedTenants tenants whose sentinels changed during the run, or that the run's policy
 *     declares it may affect or must remove
 */
public record RunCompleted(
    String runId,
    String tool,
    String toolVersion,
    String verdict,
    Instant startedAt,
    Instant completedAt,
    Duration duration,
    List<TenantRef> touchedTenants) {

  public RunCompleted {
    touchedTenants = List.copyOf(touchedTenants);
  }

  /** A tenant of a sentinel set. */
  public record TenantRef(String set, String tenant) {}
}
