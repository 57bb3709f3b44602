package io.stagingcanary.alerts;

import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.incident.AttributionSummary;
import io.stagingcanary.incident.ExpectedChanges;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentChangeListener;
import io.stagingcanary.incident.IncidentEnrichmentStore;
import io.stagingcanary.incident.IncidentJsonRenderer;
import io.stagingcanary.incident.IncidentTextRenderer;
import io.stagingcanary.metrics.CanaryMetrics;
import io.stagingcanary.runs.RunCauses;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Turns incident changes into outbox rows, inside the transaction that stores the change: one
 * firing alert per incident when it is sealed, one resolve when it resolves, nothing when it
 * escalates (Alertmanager's re-send carries the current content). An incident whose every change is
 * expected is recorded in the outbox as suppressed: not paged.
 *
 * <p>One page per problem: a loss caused by a bracketed run that FAILed is merged into that run's
 * {@code ToolRunViolation} (recorded as suppressed, linked to the run). A loss sealed while such a
 * run is still running is held until its verdict ({@link ToolRunAlerts} merges or releases it), at
 * most {@code canary.alerts.hold-for-verdict}; then it is sent anyway.
 */
@Component
class IncidentAlerts implements IncidentChangeListener {

  private static final Logger log = LoggerFactory.getLogger(IncidentAlerts.class);

  private final AlertOutbox outbox;
  private final AlertChannels channels;

  /** How the reason of a loss merged into its run's violation begins (stored in the outbox). */
  static final String MERGED = "merged into ToolRunViolation";

  private final ObjectProvider<ExpectedChanges> expected;
  private final CanaryMetrics metrics;
  private final ObjectProvider<RunCauses> causes;
  private final Clock clock;
  private final Duration holdForVerdict;
  private final String publicBase;
  private final ObjectProvider<IncidentEnrichmentStore> enrichments;

  IncidentAlerts(
      AlertOutbox outbox,
      AlertChannels channels,
      ObjectProvider<ExpectedChanges> expected,
      CanaryMetrics metrics,
      ObjectProvider<RunCauses> causes,
      Clock clock,
      AlertsProperties alerts,
      CanaryProperties properties,
      ObjectProvider<IncidentEnrichmentStore> enrichments) {
    this.outbox = outbox;
    this.channels = channels;
    this.expected = expected;
    this.metrics = metrics;
    this.causes = causes;
    this.clock = clock;
    this.holdForVerdict = alerts.holdForVerdict();
    this.publicBase = properties.publicBase();
    this.enrichments = enrichments;
  }

  @Override
  public void sealed(Incident incident) {
    Alert alert = firing(incident, publicBase, attribution(incident));
    Optional<String> reason = expectedReason(incident);
    if (reason.isPresent()) {
      outbox.enqueue(alert, channels.names(), OutboxEntry.State.SUPPRESSED, reason.get());
      channels.names().forEach(c -> metrics.alertDelivered(c, "suppressed"));
      log.info("Incident {} is expected ({}): recorded, not paged", incident.id(), reason.get());
      return;
    }
    RunCauses runs = causes.getIfAvailable();
    RunCauses.Attribution attribution =
        runs == null ? new RunCauses.Unattributed() : runs.attribute(incident);
    if (attribution instanceof RunCauses.CausedBy caused) {
      merge(incident, alert, caused.run(), runs);
      log.info(
          "Incident {} was caused by run {}, which FAILed: merged into its ToolRunViolation",
          incident.id(),
          caused.run());
    } else if (attribution instanceof RunCauses.AwaitingVerdict awaiting) {
      Instant until = clock.instant().plus(holdForVerdict);
      outbox.hold(
          alert,
          channels.names(),
          "waiting for the verdict of run " + awaiting.runs() + " (until " + until + ")",
          until);
      log.info(
          "Incident {} happened during run {}: its alert waits for the verdict (until {})",
          incident.id(),
          awaiting.runs(),
          until);
    } else {
      outbox.enqueue(alert, channels.names(), OutboxEntry.State.PENDING, null);
    }
  }

  /**
   * Merges a held loss alert into the run's violation; {@code false} when no row was held any more
   * (the verdict's event and the worker's recheck both decide held rows: only one merges).
   */
  boolean mergeHeld(Incident incident, RunCauses.RunRef run, RunCauses runs) {
    if (outbox.suppressHeld(incident.id(), mergedReason(run)) == 0) {
      return false;
    }
    runs.recordCause(run, incident.id(), clock.instant());
    channels.names().forEach(c -> metrics.alertDelivered(c, "suppressed"));
    return true;
  }

  /** The loss pages as the run's violation: recorded, not sent, linked to the run. */
  private void merge(Incident incident, Alert alert, RunCauses.RunRef run, RunCauses runs) {
    outbox.enqueue(alert, channels.names(), OutboxEntry.State.SUPPRESSED, mergedReason(run));
    runs.recordCause(run, incident.id(), clock.instant());
    channels.names().forEach(c -> metrics.alertDelivered(c, "suppressed"));
  }

  static String mergedReason(RunCauses.RunRef run) {
    return MERGED + " of run " + run;
  }

  /** Whether a suppressed row was merged into a run's violation (paged by it), not expected. */
  static boolean merged(String reason) {
    return reason != null && reason.startsWith(MERGED);
  }

  @Override
  public void resolved(Incident incident) {
    Alert firing = firing(incident, publicBase);
    Instant at = incident.resolvedAt() != null ? incident.resolvedAt() : incident.sealedAt();
    Alert resolved = firing.resolvedAt(at);
    Optional<Instant> held = outbox.heldUntil(incident.id());
    if (held.isPresent()) {
      // the firing alert waits for a run's verdict: its resolve waits with it, and goes the same
      // way
      outbox.hold(resolved, channels.names(), "the firing alert is held", held.get());
      return;
    }
    List<OutboxEntry> earlier = outbox.forSubject(incident.id());
    boolean paged =
        earlier.stream()
            .anyMatch(
                e -> e.state() != OutboxEntry.State.SUPPRESSED && "firing".equals(e.alertStatus()));
    outbox.enqueue(
        resolved,
        channels.names(),
        paged ? OutboxEntry.State.PENDING : OutboxEntry.State.SUPPRESSED,
        paged ? null : "the incident was not paged");
  }

  /** Why every change of the incident is expected; empty when one of them pages. */
  private Optional<String> expectedReason(Incident incident) {
    if (incident.items().isEmpty()) {
      return Optional.empty();
    }
    List<ExpectedChanges> sources = expected.orderedStream().toList();
    if (sources.isEmpty()) {
      return Optional.empty();
    }
    Instant at = incident.openedAt();
    TreeSet<String> reasons = new TreeSet<>();
    for (Incident.Item item : incident.items()) {
      Optional<String> reason =
          sources.stream().map(s -> s.reason(item, at)).flatMap(Optional::stream).findFirst();
      if (reason.isEmpty()) {
        return Optional.empty();
      }
      reasons.add(reason.get());
    }
    return Optional.of("expected: " + String.join("; ", reasons));
  }

  /**
   * Who changed the incident's items, one line per request, as known in this transaction (the
   * attribution is stored before this listener runs); empty without attribution.
   */
  private String attribution(Incident incident) {
    return attribution(enrichments, incident);
  }

  /** The attribution lines of a stored incident; empty without attribution. */
  static String attribution(
      ObjectProvider<IncidentEnrichmentStore> enrichments, Incident incident) {
    IncidentEnrichmentStore store = enrichments.getIfAvailable();
    return store == null ? "" : AttributionSummary.block(store.find(incident.id()));
  }

  /** The firing alert of an incident, with its current content. */
  static Alert firing(Incident incident, String publicBase) {
    return firing(incident, publicBase, "");
  }

  /** The firing alert, its text led by the attribution lines ({@link AttributionSummary}). */
  static Alert firing(Incident incident, String publicBase, String attribution) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    TreeSet<String> sets = new TreeSet<>();
    for (Incident.Item item : incident.items()) {
      counts.merge(item.status().name(), 1, Integer::sum);
      if (item.set() != null && !item.set().isBlank()) {
        sets.add(item.set());
      }
    }
    return Alert.builder()
        .of(Alert.SENTINEL_LOSS, incident.id(), Alert.Status.FIRING)
        .severity(Alert.Severity.CRITICAL)
        .cluster(incident.clusterName(), incident.clusterId())
        .sets(List.copyOf(sets))
        .summary(incident.headline())
        .counts(counts)
        .diff(
            attribution.isEmpty()
                ? IncidentTextRenderer.render(incident)
                : attribution + "\n" + IncidentTextRenderer.render(incident),
            IncidentJsonRenderer.render(incident))
        .link(Alert.incidentPage(publicBase, incident.id()))
        .period(incident.openedAt(), null)
        .build();
  }
}
