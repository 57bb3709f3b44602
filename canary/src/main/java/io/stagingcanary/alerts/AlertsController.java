package io.stagingcanary.alerts;

import io.stagingcanary.runs.RunCauses;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The outbox: what was sent where, what waits, what a receiver refused; retry of the refused. */
@RestController
@RequestMapping("/api/v1")
class AlertsController {

  private final AlertOutbox outbox;
  private final ObjectProvider<RunCauses> causes;

  AlertsController(AlertOutbox outbox, ObjectProvider<RunCauses> causes) {
    this.outbox = outbox;
    this.causes = causes;
  }

  /** One outbox entry as the API shows it. */
  record AlertView(
      long id,
      String alertId,
      String alertname,
      String status,
      String subject,
      String channel,
      String state,
      int attempts,
      String lastError,
      String idempotencyKey,
      String summary,
      String link,
      String page,
      Instant createdAt,
      Instant nextAttemptAt,
      Instant deliveredAt) {

    static AlertView of(OutboxEntry e) {
      return new AlertView(
          e.id(),
          e.alertId(),
          e.alertName(),
          e.alertStatus(),
          e.subject(),
          e.channel(),
          e.state().name().toLowerCase(Locale.ROOT),
          e.attempts(),
          e.lastError() == null || e.lastError().isEmpty() ? null : e.lastError(),
          e.idempotencyKey(),
          e.alert().summary(),
          e.alert().apiLink(),
          e.alert().link(),
          e.createdAt(),
          e.state() == OutboxEntry.State.PENDING || e.state() == OutboxEntry.State.HELD
              ? e.nextAttemptAt()
              : null,
          e.deliveredAt());
    }
  }

  /**
   * How an incident was alerted: paged, expected (recorded, not paged) and why, or merged into the
   * violation of the run(s) that caused it ({@code causedBy}).
   */
  record IncidentAlerting(
      String incident,
      boolean expected,
      String reason,
      List<String> causedBy,
      List<AlertView> alerts) {}

  @GetMapping("/alerts")
  List<AlertView> list(
      @RequestParam(required = false) String state, @RequestParam(defaultValue = "100") int limit) {
    return outbox.list(state(state), Math.max(1, Math.min(limit, 1000))).stream()
        .map(AlertView::of)
        .toList();
  }

  @GetMapping("/incidents/{id}/alerts")
  IncidentAlerting forIncident(@PathVariable String id) {
    List<OutboxEntry> entries = outbox.forSubject(id);
    RunCauses runs = causes.getIfAvailable();
    List<String> causedBy = runs == null ? List.of() : runs.runsOf(id);
    boolean suppressed =
        !entries.isEmpty()
            && entries.stream()
                .filter(e -> "firing".equals(e.alertStatus()))
                .allMatch(e -> e.state() == OutboxEntry.State.SUPPRESSED);
    String reason =
        suppressed
            ? entries.stream()
                .filter(e -> "firing".equals(e.alertStatus()))
                .map(OutboxEntry::lastError)
                .findFirst()
                .orElse(null)
            : null;
    return new IncidentAlerting(
        id,
        suppressed && causedBy.isEmpty(),
        reason,
        causedBy,
        entries.stream().map(AlertView::of).toList());
  }

  @PostMapping("/alerts/{id}/retry")
  AlertView retry(@PathVariable long id) {
    OutboxEntry entry =
        outbox
            .find(id)
            .orElseThrow(
                () -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no alert with id " + id));
    if (!outbox.retry(id)) {
      throw new ResponseStatusException(
          HttpStatus.CONFLICT,
          "alert "
              + id
              + " is "
              + entry.state().name().toLowerCase(Locale.ROOT)
              + "; only failed alerts can be retried");
    }
    return AlertView.of(outbox.find(id).orElseThrow());
  }

  private static OutboxEntry.State state(String state) {
    if (state == null || state.isBlank()) {
      return null;
    }
    try {
      return OutboxEntry.State.valueOf(state.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ResponseStatusException(
          HttpStatus.BAD_REQUEST,
          "state '" + state + "' is not one of pending, delivered, failed, suppressed, held");
    }
  }
}
