package io.stagingcanary.store;

import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Health of the ledger: {@code ledger} (in the readiness group) is DOWN while the ledger does not
 * take writes; {@code ledgerLiveness} (in the liveness group) is DOWN once it has not for longer
 * than {@code canary.store.liveness-limit}, so Kubernetes restarts the pod.
 */
@Configuration(proxyBeanMethods = false)
class LedgerHealthIndicators {

  @Bean("ledgerHealthIndicator")
  HealthIndicator ledger(LedgerProbe probe) {
    return () -> {
      LedgerProbe.State state = probe.state();
      if (state.lastWrite() == null && state.failingSince() == null) {
        return Health.unknown().withDetail("reason", "not probed yet").build();
      }
      Health.Builder health = state.writable() ? Health.up() : Health.down();
      if (state.lastWrite() != null) {
        health.withDetail("lastWrite", state.lastWrite().toString());
      }
      if (state.failingSince() != null) {
        health.withDetail("unwritableSince", state.failingSince().toString());
        health.withDetail(
            "error", state.hanging() ? "the probe write does not answer" : state.error());
      }
      return health.build();
    };
  }

  @Bean("ledgerLivenessHealthIndicator")
  HealthIndicator ledgerLiveness(LedgerProbe probe, StoreProperties properties) {
    return () -> {
      Duration limit = properties.livenessLimit();
      return probe
          .unwritableFor()
          .filter(unwritable -> unwritable.compareTo(limit) > 0)
          .map(
              unwritable ->
                  Health.down()
                      .withDetail("unwritableFor", unwritable.toSeconds() + "s")
                      .withDetail("limit", limit.toSeconds() + "s")
                      .build())
          .orElseGet(() -> Health.up().build());
    };
  }
}
