package io.stagingcanary.alerts;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentEnrichmentStore;
import io.stagingcanary.incident.IncidentStore;
import io.stagingcanary.leader.Leadership;
import io.stagingcanary.metrics.CanaryMetrics;
import io.stagingcanary.platform.ComponentExecutor;
import io.stagingcanary.platform.ComponentExecutors;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Delivers the outbox while this replica is the leader: per channel, on its own thread, oldest
 * first, one at a time, so a slow or dead receiver delays only its own channel and never detection.
 * Each attempt runs through a Resilience4j retry (exponential backoff with jitter), a circuit
 * breaker and a time limiter; when those give up the entry stays pending and is tried again later
 * (durable backoff), so a receiver that is down for an hour gets everything, in order, when it
 * returns. A refusal (4xx other than 408/429) marks the entry failed with the answer.
 */
@Component
class OutboxWorker implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(OutboxWorker.class);

  private final AlertOutbox outbox;
  private final Leadership leadership;
  private final CanaryMetrics metrics;
  private final IncidentStore incidents;
  private final ToolRunAlerts toolRuns;
  private final Clock clock;
  private final AlertsProperties.Delivery delivery;
  private final Duration resendInterval;
  private final String publicBase;
  private final ObjectProvider<IncidentEnrichmentStore> enrichments;
  private final List<Lane> lanes = new ArrayList<>();

  /** One channel's queue, thread and resilience. */
  private static final class Lane {
    final AlertChannel channel;
    final Retry retry;
    final CircuitBreaker breaker;
    final TimeLimiter limiter;
    final ComponentExecutor executor;
    final java.util.concurrent.atomic.AtomicBoolean woken =
        new java.util.concurrent.atomic.AtomicBoolean();
    Instant lastResend;

    Lane(
        AlertChannel channel,
        AlertsProperties.Delivery delivery,
        Instant now,
        ComponentExecutors executors) {
      this.channel = channel;
      this.lastResend = now;
      this.retry =
          Retry.of(
              channel.name(),
              RetryConfig.custom()
                  .maxAttempts(delivery.maxAttempts())
                  .intervalFunction(
                      IntervalFunction.ofExponentialRandomBackoff(
                          delivery.initialBackoff(), 2.0, 0.5, delivery.maxBackoff()))
                  .retryOnException(OutboxWorker::retryable)
                  .build());
      this.breaker =
          CircuitBreaker.of(
              channel.name(),
              CircuitBreakerConfig.custom()
                  .slidingWindowSize(10)
                  .minimumNumberOfCalls(5)
                  .failureRateThreshold(50)
                  .permittedNumberOfCallsInHalfOpenState(1)
                  .waitDurationInOpenState(delivery.circuitOpenFor())
                  .ignoreException(e -> !retryable(e))
                  .build());
      this.limiter =
          TimeLimiter.of(
              channel.name(),
              TimeLimiterConfig.custom()
                  .timeoutDuration(delivery.timeout())
                  .cancelRunningFuture(true)
                  .build());
      this.executor = executors.single("alerts-" + channel.name());
    }
  }

  /** What one delivery came to. */
  private enum Outcome {
    DELIVERED,
    FAILED,
    RETRY
  }

  OutboxWorker(
      AlertOutbox outbox,
      AlertChannels channels,
      Leadership leadership,
      CanaryMetrics metrics,
      IncidentStore incidents,
      ToolRunAlerts toolRuns,
      Clock clock,
      AlertsProperties properties,
      CanaryProperties canary,
      ComponentExecutors executors,
      ObjectProvider<IncidentEnrichmentStore> enrichments) {
    this.outbox = outbox;
    this.leadership = leadership;
    this.metrics = metrics;
    this.incidents = incidents;
    this.toolRuns = toolRuns;
    this.clock = clock;
    this.delivery = properties.delivery();
    this.resendInterval = properties.resendInterval();
    this.publicBase = canary.publicBase();
    this.enrichments = enrichments;
    channels.all().forEach(c -> lanes.add(new Lane(c, delivery, clock.instant(), executors)));
    metrics.bindOutboxPending(outbox::countPending);
  }

  /** Starts delivering once the application is ready: after Flyway created the outbox table. */
  @EventListener(ApplicationReadyEvent.class)
  public void start() {
    Duration every = delivery.pollInterval();
    for (Lane lane : lanes) {
      lane.executor.scheduleWithFixedDelay(() -> guarded(lane), every, every);
    }
    outbox.onPending(this::wake);
  }

  /** Rows became due: every lane delivers now rather than at its next poll (one wake at a time). */
  private void wake() {
    for (Lane lane : lanes) {
      if (lane.woken.compareAndSet(false, true) && !lane.executor.isShutdown()) {
        lane.executor.execute(
            () -> {
              lane.woken.set(false);
              guarded(lane);
            });
      }
    }
  }

  private void guarded(Lane lane) {
    try {
      if (leadership.isLeader()) {
        if (lane == lanes.get(0)) {
          toolRuns.recheckHeld();
          releaseExpiredHolds();
        }
        drain(lane);
        resendActive(lane);
      }
    } catch (RuntimeException e) {
      log.warn(
          "Alert delivery to channel {} failed, will retry: {}", lane.channel.name(), e.toString());
    }
  }

  /** Loss alerts held for a run's verdict are sent when the hold ran out (no verdict came). */
  private void releaseExpiredHolds() {
    for (String subject : outbox.releaseExpired()) {
      log.warn(
          "Alert for {} was held for a run's verdict that did not come in time: sent", subject);
    }
  }

  /** Delivers the channel's due entries, oldest first; stops at the first that must wait. */
  private void drain(Lane lane) {
    while (leadership.isLeader()) {
      Optional<OutboxEntry> head = outbox.head(lane.channel.name());
      if (head.isEmpty() || head.get().nextAttemptAt().isAfter(clock.instant())) {
        return;
      }
      OutboxEntry entry = head.get();
      Throwable error = attempt(lane, entry.alert(), entry.idempotencyKey());
      Outcome outcome = outcome(error);
      String channel = lane.channel.name();
      switch (outcome) {
        case DELIVERED -> {
          outbox.delivered(entry.id());
          metrics.alertDelivered(channel, "delivered");
          log.info("Alert {} delivered to {}", entry.alertId(), channel);
        }
        case FAILED -> {
          outbox.failed(entry.id(), error.getMessage());
          metrics.alertDelivered(channel, "failed");
          log.warn(
              "Alert {} refused by {}, marked failed: {}",
              entry.alertId(),
              channel,
              error.getMessage());
        }
        case RETRY -> {
          Instant next = clock.instant().plus(backoff(entry.attempts() + 1));
          outbox.attemptFailed(entry.id(), describe(error), next);
          metrics.alertDelivered(channel, "retried");
          log.warn(
              "Alert {} not delivered to {} (attempt {}), next try at {}: {}",
              entry.alertId(),
              channel,
              entry.attempts() + 1,
              next,
              describe(error));
          return;
        }
      }
    }
  }

  /**
   * Some receivers (Alertmanager) forget alerts that are not re-sent: re-post the current content
   * of every active alert each re-send interval (not a new message: same labels, so the same
   * notification group).
   */
  private void resendActive(Lane lane) {
    if (!ChannelTypes.can(lane.channel, ChannelTypes.Capability.RESENDS_ACTIVE)) {
      return;
    }
    Instant now = clock.instant();
    if (Duration.between(lane.lastResend, now).compareTo(resendInterval) < 0) {
      return;
    }
    if (outbox.head(lane.channel.name()).isPresent()) {
      return; // the queue goes first; a resolve may be waiting in it
    }
    lane.lastResend = now;
    for (Alert alert : outbox.active(lane.channel.name())) {
      Alert current = refreshed(alert);
      if (current == null) {
        continue;
      }
      Throwable error = attempt(lane, current, current.id() + "/" + lane.channel.name());
      if (error != null) {
        log.debug(
            "Re-send of {} to {} failed: {}", alert.id(), lane.channel.name(), describe(error));
      }
    }
  }

  /**
   * A loss alert with the incident's current diff; null once the incident is resolved. A violation
   * stored before violations had run labels expired by design then: it is not re-sent.
   */
  private Alert refreshed(Alert alert) {
    if (Alert.TOOL_RUN_VIOLATION.equals(alert.name())) {
      return alert.labels().containsKey(Alert.RUN_LABEL) ? alert : null;
    }
    if (!Alert.SENTINEL_LOSS.equals(alert.name())) {
      return alert;
    }
    Optional<Incident> incident = incidents.find(alert.subject());
    if (incident.isEmpty()) {
      return alert;
    }
    return incident.get().isOpen()
        ? IncidentAlerts.firing(
            incident.get(), publicBase, IncidentAlerts.attribution(enrichments, incident.get()))
        : null;
  }

  /** One delivery through retry, circuit breaker and time limiter; null when delivered. */
  private Throwable attempt(Lane lane, Alert alert, String idempotencyKey) {
    CheckedSupplier<Void> send =
        () ->
            lane.limiter.executeFutureSupplier(
                () -> lane.channel.deliver(alert, idempotencyKey, clock.instant()));
    CheckedSupplier<Void> decorated =
        Retry.decorateCheckedSupplier(
            lane.retry, CircuitBreaker.decorateCheckedSupplier(lane.breaker, send));
    try {
      decorated.get();
      return null;
    } catch (Throwable e) {
      return unwrap(e);
    }
  }

  private static Outcome outcome(Throwable error) {
    if (error == null) {
      return Outcome.DELIVERED;
    }
    return error instanceof DeliveryException d && !d.retryable() ? Outcome.FAILED : Outcome.RETRY;
  }

  static boolean retryable(Throwable e) {
    Throwable cause = unwrap(e);
    if (cause instanceof CallNotPermittedException) {
      return false;
    }
    return !(cause instanceof DeliveryException d) || d.retryable();
  }

  private static Throwable unwrap(Throwable e) {
    Throwable current = e;
    while ((current instanceof ExecutionException || current instanceof CompletionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /** Durable backoff after the in-process retries gave up: exponential, capped, with jitter. */
  private Duration backoff(int attempts) {
    long base = delivery.initialBackoff().toMillis() << Math.min(attempts, 20);
    long capped = Math.min(base, delivery.maxBackoff().toMillis());
    long jitter = (long) (capped * 0.5 * ThreadLocalRandom.current().nextDouble());
    return Duration.ofMillis(Math.min(capped + jitter, delivery.maxBackoff().toMillis()));
  }

  private static String describe(Throwable error) {
    if (error instanceof TimeoutException) {
      return "no answer within the time limit";
    }
    if (error instanceof CallNotPermittedException) {
      return "circuit breaker open: " + error.getMessage();
    }
    return error.getMessage() == null ? error.toString() : error.getMessage();
  }

  @Override
  public void destroy() {
    lanes.forEach(lane -> lane.executor.close());
  }
}
