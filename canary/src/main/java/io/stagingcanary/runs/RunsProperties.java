package io.stagingcanary.runs;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every {@code canary.runs.*} setting (ops-tool runs and the CI gate); see docs/configuration.md.
 *
 * @param settle how long the sentinels must stay unchanged before the after snapshot
 * @param settleMax the longest a run waits for quiet (and the cap of a requested settle)
 * @param policies folder of {@code <tool>.yaml} policies; default {@code <fixtures.path>/policies}
 * @param policyReloadInterval how often policy files are checked for changes
 * @param watchNamespaces namespaces whose ops-tool Jobs, CronJobs and Deployments are bracketed
 * @param jobPollInterval how often those namespaces are listed
 * @param maxDuration after this long a run nobody completed is expired: stored with an {@code
 *     ERROR} verdict and the reason, and it no longer holds re-seeding back
 */
@Validated
@ConfigurationProperties("canary.runs")
public record RunsProperties(
    @NotNull @DefaultValue("5s") Duration settle,
    @NotNull @DefaultValue("120s") Duration settleMax,
    Path policies,
    @NotNull @DefaultValue("2s") Duration policyReloadInterval,
    @NotNull @DefaultValue List<String> watchNamespaces,
    @NotNull @DefaultValue("2s") Duration jobPollInterval,
    @NotNull @DefaultValue("2h") Duration maxDuration) {

  @AssertTrue(
      message =
          "canary.runs.settle must be between 0s and canary.runs.settle-max, and settle-max at most"
              + " 30m")
  public boolean isSettleValid() {
    return settle == null
        || settleMax == null
        || (!settle.isNegative()
            && settle.compareTo(settleMax) <= 0
            && settleMax.compareTo(Duration.ofMinutes(30)) <= 0);
  }

  @AssertTrue(
      message =
          "canary.runs.policy-reload-interval and canary.runs.job-poll-interval must be at least"
              + " 100ms")
  public boolean isIntervalsValid() {
    Duration min = Duration.ofMillis(100);
    return (policyReloadInterval == null || policyReloadInterval.compareTo(min) >= 0)
        && (jobPollInterval == null || jobPollInterval.compareTo(min) >= 0);
  }

  @AssertTrue(message = "canary.runs.max-duration must be at least 1s")
  public boolean isMaxDurationValid() {
    return maxDuration == null || maxDuration.compareTo(Duration.ofSeconds(1)) >= 0;
  }

  /** The policies folder. */
  public Path policiesOr(Path fixtures) {
    return policies != null ? policies : fixtures.resolve("policies");
  }
}
