package io.stagingcanary.alerts;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Read-only view of the outbox for other edges (the on-call pages): what was sent for a subject, to
 * which channel, in which state, after how many attempts. Nothing here changes the outbox.
 */
@Component
public class AlertDeliveries {

  private final AlertOutbox outbox;

  AlertDeliveries(AlertOutbox outbox) {
    this.outbox = outbox;
  }

  /**
   * One alert for one channel.
   *
   * @param id the outbox entry id ({@code POST /api/v1/alerts/{id}/retry} when failed)
   * @param state {@code pending}, {@code delivered}, {@code failed}, {@code suppressed} or {@code
   *     held}
   * @param lastError the receiver's last answer, or why it was suppressed; null when none
   */
  public record Delivery(
      long id,
      String alertName,
      String alertStatus,
      String subject,
      String channel,
      String state,
      int attempts,
      String lastError,
      Instant createdAt,
      Instant deliveredAt) {

    /** Whether {@code POST /api/v1/alerts/{id}/retry} applies. */
    public boolean retryable() {
      return "failed".equals(state);
    }
  }

  /** Every outbox entry for an incident, a run or a blind episode, oldest first. */
  public List<Delivery> forSubject(String subject) {
    return outbox.forSubject(subject).stream()
        .map(
            e ->
                new Delivery(
                    e.id(),
                    e.alertName(),
                    e.alertStatus(),
                    e.subject(),
                    e.channel(),
                    e.state().name().toLowerCase(Locale.ROOT),
                    e.attempts(),
                    e.lastError() == null || e.lastError().isEmpty() ? null : e.lastError(),
                    e.createdAt(),
                    e.deliveredAt()))
        .toList();
  }
}
