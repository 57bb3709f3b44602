package io.stagingcanary.runs;

import io.stagingcanary.platform.ComponentExecutor;
import io.stagingcanary.platform.ComponentExecutors;
import io.stagingcanary.seeding.SeedingCompleted;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Ends runs nobody completes: from the first seeding on, every {@code canary.runs.max-duration} /
 * 10 (at most every minute) the leader stores each run older than the limit with an {@code ERROR}
 * verdict ({@link RunService#expireOverdue()}).
 */
@Component
class RunExpiry implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(RunExpiry.class);

  private final RunService runs;
  private final Duration every;
  private final AtomicBoolean started = new AtomicBoolean();
  private final ComponentExecutor executor;

  RunExpiry(RunService runs, RunsProperties properties, ComponentExecutors executors) {
    this.runs = runs;
    this.every = checkInterval(properties.maxDuration());
    this.executor = executors.single("run-expiry");
  }

  /** A tenth of the limit, between 100 ms and one minute. */
  static Duration checkInterval(Duration maxDuration) {
    Duration tenth = maxDuration.dividedBy(10);
    if (tenth.compareTo(Duration.ofMillis(100)) < 0) {
      return Duration.ofMillis(100);
    }
    return tenth.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : tenth;
  }

  @EventListener
  public void onSeeded(SeedingCompleted completed) {
    if (started.compareAndSet(false, true)) {
      executor.scheduleWithFixedDelay(this::expireSafely, Duration.ZERO, every);
    }
  }

  private void expireSafely() {
    try {
      runs.expireOverdue();
    } catch (RuntimeException e) {
      log.warn("Expiring overdue runs failed, will retry in {}: {}", every, e.getMessage());
    }
  }

  @Override
  public void destroy() {
    executor.close();
  }
}
