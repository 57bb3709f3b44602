package io.stagingcanary.platform;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every {@code canary.platform.*} setting (the components' shared threads); see
 * docs/configuration.md.
 *
 * @param shutdownWait how long the application's shutdown waits for each component's running task
 *     to finish before it interrupts it
 */
@Validated
@ConfigurationProperties("canary.platform")
public record PlatformProperties(@NotNull @DefaultValue("5s") Duration shutdownWait) {

  @AssertTrue(message = "canary.platform.shutdown-wait must be between 0 and 1m")
  public boolean isShutdownWaitValid() {
    return shutdownWait == null
        || (!shutdownWait.isNegative() && shutdownWait.compareTo(Duration.ofMinutes(1)) <= 0);
  }
}
