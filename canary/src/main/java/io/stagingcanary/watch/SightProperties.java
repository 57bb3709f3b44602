package io.stagingcanary.watch;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code canary.sight.*}: how the agent decides that it can see the cluster, and that it sees the
 * same cluster. See docs/configuration.md.
 *
 * @param probeInterval how often the API server is asked whether it answers ({@code probePath})
 * @param probeTimeout how long one probe may take before it counts as failed
 * @param probeFailures failed probes in a row that make the agent BLIND; BLIND follows a frozen or
 *     unreachable API server within {@link #blindBound()}
 * @param probePath the path probed; any answer below 500 within the timeout counts as alive
 * @param relistAfter an informer that has not been watching for this long while the API server
 *     answers is stopped and started afresh (a new LIST, then a new watch), whatever its error was
 * @param stableFor sight counts as returned only after the probe and every informer were healthy
 *     for this long without a break (hysteresis: no BLIND/visible flapping)
 * @param identityCheckShare a loss of more than this share of the sentinels re-checks the cluster
 *     identity (the {@code kube-system} uid) before it is paged; so does every return of sight
 */
@Validated
@ConfigurationProperties("canary.sight")
public record SightProperties(
    @NotNull @DefaultValue("2s") Duration probeInterval,
    @NotNull @DefaultValue("2s") Duration probeTimeout,
    @Min(1) @Max(10) @DefaultValue("2") int probeFailures,
    @NotBlank @DefaultValue("/readyz") String probePath,
    @NotNull @DefaultValue("5s") Duration relistAfter,
    @NotNull @DefaultValue("5s") Duration stableFor,
    @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.5") double identityCheckShare) {

  /** Defaults, for tests and components built outside Spring. */
  public static SightProperties defaults() {
    return new SightProperties(
        Duration.ofSeconds(2),
        Duration.ofSeconds(2),
        2,
        "/readyz",
        Duration.ofSeconds(5),
        Duration.ofSeconds(5),
        0.5);
  }

  /**
   * The longest time from an API server that stops answering to the agent reporting BLIND: {@code
   * probe-failures} probes, each taking at most {@code probe-interval + probe-timeout}.
   */
  public Duration blindBound() {
    return probeInterval.plus(probeTimeout).multipliedBy(probeFailures);
  }

  @AssertTrue(message = "canary.sight.probe-interval must be between 100ms and 1m")
  public boolean isProbeIntervalValid() {
    return probeInterval == null || between(probeInterval, Duration.ofMillis(100), ONE_MINUTE);
  }

  @AssertTrue(message = "canary.sight.probe-timeout must be between 100ms and 1m")
  public boolean isProbeTimeoutValid() {
    return probeTimeout == null || between(probeTimeout, Duration.ofMillis(100), ONE_MINUTE);
  }

  @AssertTrue(message = "canary.sight.relist-after must be between 1s and 10m")
  public boolean isRelistAfterValid() {
    return relistAfter == null
        || between(relistAfter, Duration.ofSeconds(1), Duration.ofMinutes(10));
  }

  @AssertTrue(message = "canary.sight.stable-for must be between 0s and 10m")
  public boolean isStableForValid() {
    return stableFor == null || between(stableFor, Duration.ZERO, Duration.ofMinutes(10));
  }

  @AssertTrue(message = "canary.sight.probe-path must start with /")
  public boolean isProbePathValid() {
    return probePath == null || probePath.startsWith("/");
  }

  private static final Duration ONE_MINUTE = Duration.ofMinutes(1);

  private static boolean between(Duration value, Duration min, Duration max) {
    return value.compareTo(min) >= 0 && value.compareTo(max) <= 0;
  }
}
