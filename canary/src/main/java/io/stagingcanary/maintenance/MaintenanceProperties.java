package io.stagingcanary.maintenance;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** {@code canary.maintenance.*}. */
@Validated
@ConfigurationProperties("canary.maintenance")
public record MaintenanceProperties(@NotNull @DefaultValue("12h") Duration maxDuration) {

  @AssertTrue(message = "must be positive")
  public boolean isMaxDurationValid() {
    return maxDuration == null || (!maxDuration.isNegative() && !maxDuration.isZero());
  }
}
