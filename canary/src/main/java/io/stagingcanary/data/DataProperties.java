package io.stagingcanary.data;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Every {@code canary.data.*} setting: content written into sentinel PVCs and checked by Jobs, and
 * snapshot freshness. See docs/data-integrity.md and docs/configuration.md.
 */
@Validated
@ConfigurationProperties("canary.data")
public record DataProperties(
    @DefaultValue("true") boolean enabled,
    @NotBlank @DefaultValue("busybox:1.37") String image,
    @NotNull @DefaultValue("4MB") DataSize size,
    @NotNull @DefaultValue("30m") Duration checkInterval,
    @NotNull @DefaultValue("5m") Duration jobTimeout,
    @NotNull @DefaultValue("2s") Duration pollInterval,
    @NotNull @DefaultValue("10m") Duration jobTtl,
    @NotNull @DefaultValue("5m") Duration snapshotInterval) {

  /** The largest content the writer may create. */
  public static final DataSize MAX_SIZE = DataSize.ofMegabytes(256);

  @AssertTrue(message = "canary.data.size must be between 1KB and 256MB")
  public boolean isSizeValid() {
    return size == null
        || (size.toBytes() >= DataSize.ofKilobytes(1).toBytes()
            && size.toBytes() <= MAX_SIZE.toBytes());
  }

  @AssertTrue(message = "canary.data.check-interval must be at least 1m")
  public boolean isCheckIntervalValid() {
    return checkInterval == null || checkInterval.compareTo(Duration.ofMinutes(1)) >= 0;
  }

  @AssertTrue(message = "canary.data.job-timeout must be between 1s and 1h")
  public boolean isJobTimeoutValid() {
    return jobTimeout == null
        || (jobTimeout.compareTo(Duration.ofSeconds(1)) >= 0
            && jobTimeout.compareTo(Duration.ofHours(1)) <= 0);
  }

  @AssertTrue(
      message = "canary.data.poll-interval must be between 10ms and canary.data.job-timeout")
  public boolean isPollIntervalValid() {
    return pollInterval == null
        || jobTimeout == null
        || (pollInterval.compareTo(Duration.ofMillis(10)) >= 0
            && pollInterval.compareTo(jobTimeout) <= 0);
  }

  @AssertTrue(message = "canary.data.job-ttl must be between 0s and 7d")
  public boolean isJobTtlValid() {
    return jobTtl == null || (!jobTtl.isNegative() && jobTtl.compareTo(Duration.ofDays(7)) <= 0);
  }

  @AssertTrue(message = "canary.data.snapshot-interval must be at least 10s")
  public boolean isSnapshotIntervalValid() {
    return snapshotInterval == null || snapshotInterval.compareTo(Duration.ofSeconds(10)) >= 0;
  }
}
