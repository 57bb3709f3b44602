package io.stagingcanary.alerts;

import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.incident.ExpectedChanges;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentEnrichmentStore;
import io.stagingcanary.incident.IncidentStore;
import io.stagingcanary.leader.Leadership;
import io.stagingcanary.platform.ComponentExecutor;
import io.stagingcanary.platform.ComponentExecutors;
import io.stagingcanary.seeding.SeedingState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * An incident recorded as expected (its firing alert suppressed, e.g. under a {@code mute-all}
 * maintenance window) whose change is still there when the expectation ends is paged then, once:
 * its suppressed outbox rows become pending with the incident's current content. Checked every
 * {@code canary.alerts.delivery.poll-interval}; "still there" means the incident is still open (a
 * sentinel in it is not back). Once paged, no suppressed firing row is left, so a restart does not
 * page it again.
 */
@Component
class LapsedExpectationAlerts implements InitializingBean, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(LapsedExpectationAlerts.class);

  private final IncidentStore incidents;
  private final AlertOutbox outbox;
  private final ObjectProvider<ExpectedChanges> expected;
  private final SeedingState seeding;
  private final Leadership leadership;
  private final Clock clock;
  private final long intervalMillis;
  private final String publicBase;
  private final ComponentExecutors executors;
  private final ObjectProvider<IncidentEnrichmentStore> enrichments;
  private ComponentExecutor executor;

  LapsedExpectationAlerts(
      IncidentStore incidents,
      AlertOutbox outbox,
      ObjectProvider<ExpectedChanges> expected,
      SeedingState seeding,
      Leadership leadership,
      Clock clock,
      AlertsProperties properties,
      CanaryProperties canary,
      ComponentExecutors executors,
      ObjectProvider<IncidentEnrichmentStore> enrichments) {
    this.enrichments = enrichments;
    this.incidents = incidents;
    this.outbox = outbox;
    this.expected = expected;
    this.seeding = seeding;
    this.leadership = leadership;
    this.clock = clock;
    this.intervalMillis = properties.delivery().pollInterval().toMillis();
    this.publicBase = canary.publicBase();
    this.executors = executors;
  }

  @Override
  public void afterPropertiesSet() {
    executor = executors.single("lapsed-expectations");
    Duration interval = Duration.ofMillis(intervalMillis);
    executor.scheduleLeaderOnly(leadership::isLeader, this::guardedCheck, interval, interval);
  }

  @Override
  public void destroy() {
    if (executor != null) {
      executor.close();
    }
  }

  private void guardedCheck() {
    try {
      check();
    } catch (RuntimeException e) {
      log.warn("Check of lapsed expectations failed, will retry: {}", e.getMessage());
    }
  }

  /** Pages every open incident that was recorded as expected and is no longer. */
  synchronized void check() {
    if (!leadership.isLeader() || seeding.cluster().isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    List<ExpectedChanges> sources = expected.orderedStream().toList();
    for (Incident incident : incidents.open(seeding.cluster().get().id())) {
      if (!incident.isSealed() || incident.type() != Incident.Type.SENTINEL_LOSS) {
        continue;
      }
      List<OutboxEntry> entries = outbox.forSubject(incident.id());
      boolean firingSuppressed =
          entries.stream()
              .anyMatch(
                  e ->
                      e.state() == OutboxEntry.State.SUPPRESSED
                          && "firing".equals(e.alertStatus()));
      // A loss merged into its run's ToolRunViolation was paged by that violation: not expected.
      boolean merged =
          entries.stream()
              .anyMatch(
                  e ->
                      e.state() == OutboxEntry.State.SUPPRESSED
                          && IncidentAlerts.merged(e.lastError()));
      if (!firingSuppressed || merged) {
        continue;
      }
      Optional<Incident.Item> due = noLongerExpected(incident, sources, now);
      if (due.isEmpty()) {
        continue;
      }
      String note =
          "paged at "
              + now
              + ": the expectation ended while "
              + due.get().key().id()
              + " is still "
              + due.get().status();
      int[] released = {0};
      outbox.inTransaction(
          () ->
              released[0] =
                  outbox.release(
                      IncidentAlerts.firing(
                          incident, publicBase, IncidentAlerts.attribution(enrichments, incident)),
                      note));
      if (released[0] > 0) {
        log.warn(
            "Incident {} was recorded as expected, but the expectation ended and {} is still {}:"
                + " paged now",
            incident.id(),
            due.get().key().id(),
            due.get().status());
      }
    }
  }

  /** An item of the incident that no source expects any more, if there is one. */
  private static Optional<Incident.Item> noLongerExpected(
      Incident incident, List<ExpectedChanges> sources, Instant now) {
    Instant at = incident.openedAt();
    for (Incident.Item item : incident.items()) {
      boolean stillExpected =
          sources.stream()
              .anyMatch(s -> s.reason(item, at).isPresent() && !s.lapsed(item, at, now));
      if (!stillExpected) {
        return Optional.of(item);
      }
    }
    return Optional.empty();
  }
}
