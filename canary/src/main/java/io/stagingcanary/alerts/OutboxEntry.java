package io.stagingcanary.alerts;

import java.time.Instant;

/** One alert for one channel in the outbox. */
record OutboxEntry(
    long id,
    String alertId,
    String channel,
    String alertName,
    String alertStatus,
    String subject,
    String clusterId,
    State state,
    Alert alert,
    int attempts,
    String lastError,
    Instant createdAt,
    Instant nextAttemptAt,
    Instant deliveredAt) {

  /** Where an entry is in its life. */
  enum State {
    /** Waiting for (another) delivery attempt. */
    PENDING,
    /** The receiver accepted it. */
    DELIVERED,
    /** The receiver refused it (a 4xx other than 408/429); the answer is kept. */
    FAILED,
    /**
     * Recorded but not sent: every change in it was expected (a maintenance window, a run's
     * declared blast radius), or it was merged into the violation of the run that caused it.
     */
    SUPPRESSED,
    /**
     * A loss during a bracketed run, waiting for the run's verdict (until {@code nextAttemptAt},
     * then pending): merged into the run's violation on a FAIL that explains it, sent otherwise.
     */
    HELD
  }

  /** The idempotency key receivers see. */
  String idempotencyKey() {
    return alertId + "/" + channel;
  }
}
