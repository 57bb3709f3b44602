package io.stagingcanary.metrics;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every {@code canary.metrics.*} setting: the classic histogram buckets of the agent's timers (each
 * bucket is one series per tag combination, so they are few and chosen for the alert thresholds).
 * See docs/configuration.md.
 */
@Validated
@ConfigurationProperties("canary.metrics")
public record MetricsProperties(
    @NotEmpty @DefaultValue({"50ms", "100ms", "250ms", "500ms", "1s", "2500ms", "5s", "10s", "30s"})
        List<@NotNull Duration> detectionLatencyBuckets,
    @NotEmpty @DefaultValue({"100ms", "250ms", "500ms", "1s", "2s", "5s", "10s", "30s", "60s"})
        List<@NotNull Duration> verificationDurationBuckets,
    @NotEmpty @DefaultValue({"1s", "5s", "15s", "30s", "1m", "2m", "5m", "10m", "30m"})
        List<@NotNull Duration> toolRunDurationBuckets) {

  @AssertTrue(message = "canary.metrics.*-buckets must be positive durations")
  public boolean isBucketsPositive() {
    return positive(detectionLatencyBuckets)
        && positive(verificationDurationBuckets)
        && positive(toolRunDurationBuckets);
  }

  private static boolean positive(List<Duration> buckets) {
    return buckets == null
        || buckets.stream().allMatch(b -> b == null || (!b.isNegative() && !b.isZero()));
  }
}
