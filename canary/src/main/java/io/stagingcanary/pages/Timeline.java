package io.stagingcanary.pages;

import io.stagingcanary.alerts.AlertDeliveries;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.verification.SentinelView;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** An incident's timeline: what happened, in order, from the stored facts. */
final class Timeline {

  /**
   * One line of the timeline.
   *
   * @param link a page or API path to follow, or null
   */
  record Event(Instant at, String what, String detail, String link) {}

  private Timeline() {}

  /**
   * The events of an incident.
   *
   * @param deliveries the outbox entries of the incident and of the runs that caused it
   * @param sentinels the incident's sentinels as the ledger holds them now (re-seeded ones carry a
   *     later seed time and a higher generation)
   * @param causedBy the runs the loss was attributed to
   */
  static List<Event> of(
      Incident incident,
      List<AlertDeliveries.Delivery> deliveries,
      List<SentinelView> sentinels,
      List<String> causedBy) {
    List<Event> events = new ArrayList<>();
    if (incident.blindFrom() != null) {
      events.add(
          new Event(
              incident.blindFrom(),
              "blind interval began",
              "the agent could not see the cluster until " + incident.blindTo(),
              null));
    }
    events.add(
        new Event(
            incident.openedAt(),
            "first change seen, incident opened",
            "detected by " + incident.detectedBy(),
            null));
    if (incident.sealedAt() != null) {
      events.add(new Event(incident.sealedAt(), "sealed", "grouping window closed", null));
    }
    for (String run : causedBy) {
      events.add(
          new Event(
              incident.sealedAt() != null ? incident.sealedAt() : incident.openedAt(),
              "attributed to run " + run,
              "its loss is paged as that run's ToolRunViolation",
              "/runs/" + run));
    }
    for (AlertDeliveries.Delivery d : deliveries) {
      String attempts = d.attempts() + (d.attempts() == 1 ? " attempt" : " attempts");
      String detail =
          d.state()
              + (d.deliveredAt() == null ? "" : " at " + d.deliveredAt())
              + ", "
              + attempts
              + (d.lastError() == null ? "" : ": " + d.lastError());
      events.add(
          new Event(
              d.createdAt(),
              "alert " + d.alertName() + " " + d.alertStatus() + " to channel " + d.channel(),
              detail,
              null));
    }
    Instant reseeded = null;
    int count = 0;
    for (SentinelView s : sentinels) {
      if (s.seededAt() != null
          && s.seededAt().isAfter(incident.openedAt())
          && s.generation() != null
          && s.generation() > 1) {
        count++;
        reseeded = reseeded == null || s.seededAt().isAfter(reseeded) ? s.seededAt() : reseeded;
      }
    }
    if (reseeded != null) {
      if (incident.sealedAt() != null
          && reseeded.isBefore(incident.sealedAt())
          && reseeded.equals(incident.sealedAt().truncatedTo(ChronoUnit.SECONDS))) {
        // The ledger keeps seed times to the second; re-seeding only ever follows the seal.
        reseeded = incident.sealedAt();
      }
      events.add(
          new Event(
              reseeded,
              "re-seeded",
              count + (count == 1 ? " sentinel" : " sentinels") + " seeded again",
              null));
    }
    if (incident.resolvedAt() != null) {
      events.add(
          new Event(incident.resolvedAt(), "resolved", "every sentinel in it is back", null));
    }
    events.sort(Comparator.comparing(Event::at, Comparator.nullsLast(Comparator.naturalOrder())));
    return events;
  }
}
