package io.stagingcanary.alerts;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** Where alerts go. Each channel has its own outbox queue, retries and circuit breaker. */
interface AlertChannel {

  /** Unique among the channels, e.g. {@code slack-0}; the outbox key and the metrics tag. */
  String name();

  /** {@code alertmanager}, {@code slack}, {@code pagerduty}, {@code webhook} or {@code log}. */
  String type();

  /**
   * Sends the alert; completes exceptionally with a {@link DeliveryException} when it was not
   * accepted.
   */
  CompletableFuture<Void> deliver(Alert alert, String idempotencyKey, Instant now);
}
