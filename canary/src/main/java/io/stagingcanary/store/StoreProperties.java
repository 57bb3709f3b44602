package io.stagingcanary.store;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every {@code canary.store.*} setting (the ledger database's health and budget); see
 * docs/configuration.md.
 *
 * @param probeInterval how often the ledger is written to prove it takes writes (a heartbeat row)
 * @param probeTimeout the longest one probe write may take before it counts as failed
 * @param livenessLimit how long the ledger may stay unwritable before liveness fails (restart)
 * @param apiReadConcurrency API reads served at once; the rest of the pool stays for detection
 * @param acceptFreshLedger start on an empty ledger although the marker says one existed
 */
@Validated
@ConfigurationProperties("canary.store")
public record StoreProperties(
    @NotNull @DefaultValue("5s") Duration probeInterval,
    @NotNull @DefaultValue("2s") Duration probeTimeout,
    @NotNull @DefaultValue("2m") Duration livenessLimit,
    @Min(1) @Max(100) @DefaultValue("4") int apiReadConcurrency,
    @DefaultValue("false") boolean acceptFreshLedger) {

  @AssertTrue(
      message =
          "canary.store.probe-interval and canary.store.probe-timeout must be between 100ms and"
              + " 1m, and liveness-limit at least 10s")
  public boolean isTimingValid() {
    Duration min = Duration.ofMillis(100);
    Duration max = Duration.ofMinutes(1);
    return probeInterval == null
        || probeTimeout == null
        || livenessLimit == null
        || (probeInterval.compareTo(min) >= 0
            && probeInterval.compareTo(max) <= 0
            && probeTimeout.compareTo(min) >= 0
            && probeTimeout.compareTo(max) <= 0
            && livenessLimit.compareTo(Duration.ofSeconds(10)) >= 0);
  }
}
