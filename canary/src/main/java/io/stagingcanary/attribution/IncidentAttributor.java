package io.stagingcanary.attribution;

import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentChangeListener;
import io.stagingcanary.incident.IncidentEnrichmentStore;
import io.stagingcanary.incident.IncidentStore;
import io.stagingcanary.incident.ItemAttribution;
import io.stagingcanary.leader.Leadership;
import io.stagingcanary.metrics.CanaryMetrics;
import io.stagingcanary.platform.ComponentExecutor;
import io.stagingcanary.platform.ComponentExecutors;
import io.stagingcanary.runs.RunCauses;
import io.stagingcanary.store.Ledger;
import io.stagingcanary.store.LedgerEntry;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Says who changed each item of an incident. Inside the seal's transaction (before the alert is
 * written, so the first page carries what is known then) it joins the recorded requests to the
 * items; items still without a record stay {@code PENDING} for {@code
 * canary.attribution.pending-for} and are looked at again every few seconds: a record that arrives
 * later enriches the stored incident ({@code IncidentEnriched}). Also prunes old records.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class IncidentAttributor implements IncidentChangeListener {

  private static final Logger log = LoggerFactory.getLogger(IncidentAttributor.class);
  private static final Duration RECHECK = Duration.ofSeconds(3);

  private final ObservedRequestStore records;
  private final IncidentEnrichmentStore enrichments;
  private final IncidentStore incidents;
  private final Ledger ledger;
  private final ObjectProvider<RunCauses> runs;
  private final CanaryMetrics metrics;
  private final AttributionProperties properties;
  private final Clock clock;
  private final AttributionMatcher matcher;
  private final ComponentExecutors executors;
  private final Leadership leadership;
  private ComponentExecutor scheduler;

  IncidentAttributor(
      ObservedRequestStore records,
      IncidentEnrichmentStore enrichments,
      IncidentStore incidents,
      Ledger ledger,
      ObjectProvider<RunCauses> runs,
      CanaryMetrics metrics,
      AttributionProperties properties,
      Clock clock,
      ComponentExecutors executors,
      Leadership leadership) {
    this.executors = executors;
    this.leadership = leadership;
    this.records = records;
    this.enrichments = enrichments;
    this.incidents = incidents;
    this.ledger = ledger;
    this.runs = runs;
    this.metrics = metrics;
    this.properties = properties;
    this.clock = clock;
    this.matcher = new AttributionMatcher(properties.controllerUsernames());
  }

  @Override
  public void sealed(Incident incident) {
    if (incident.type() != Incident.Type.SENTINEL_LOSS || incident.items().isEmpty()) {
      return;
    }
    List<ItemAttribution> stored =
        enrichments.recordGuarded(
            incident.id(), () -> attribute(incident, true, ledgerUids(incident)));
    stored.forEach(a -> metrics.itemAttributed(sourceTag(a)));
  }

  @Override
  public void escalated(Incident incident) {
    sealed(incident);
  }

  /** Every item's attribution as far as the records tell now. */
  List<ItemAttribution> attribute(
      Incident incident, boolean mayWait, Map<ResourceKey, String> uids) {
    TreeSet<String> namespaces = new TreeSet<>();
    namespaces.add("");
    incident.items().forEach(i -> namespaces.add(nullToEmpty(i.key().namespace())));
    Instant from = incident.openedAt().minus(properties.matchWindow());
    if (incident.blindFrom() != null && incident.blindFrom().isBefore(from)) {
      from = incident.blindFrom();
    }
    List<ObservedRequest> seen = records.since(from, List.copyOf(namespaces));
    AttributionMatcher.Context context =
        new AttributionMatcher.Context(
            from, seen, records::withUids, runs(incident), otherwise(incident, mayWait));
    List<ItemAttribution> result = new ArrayList<>();
    for (Incident.Item item : incident.items()) {
      result.add(matcher.attribute(item.key(), uids.get(item.key()), context));
    }
    return result;
  }

  /** The uids of the items as seeded (before any re-seed replaced them). */
  private Map<ResourceKey, String> ledgerUids(Incident incident) {
    Map<ResourceKey, String> uids = new HashMap<>();
    for (LedgerEntry entry : ledger.findAll(incident.clusterId())) {
      uids.put(entry.key(), entry.uid());
    }
    return uids;
  }

  private ItemAttribution.UnknownReason otherwise(Incident incident, boolean mayWait) {
    if (!properties.anyObserver()) {
      return ItemAttribution.UnknownReason.NO_OBSERVER;
    }
    if (incident.detectedBy() == Incident.DetectedBy.STARTUP || incident.blindFrom() != null) {
      return ItemAttribution.UnknownReason.OBSERVER_DOWN;
    }
    return mayWait
        ? ItemAttribution.UnknownReason.PENDING
        : ItemAttribution.UnknownReason.NOT_RECEIVED;
  }

  /**
   * The run of each item: the run that caused the whole incident or, while one is running, that
   * run; otherwise the run whose window held the item's change (the recorded request's time, or the
   * incident's span when no request was recorded), whatever its verdict.
   */
  private AttributionMatcher.Runs runs(Incident incident) {
    RunCauses causes = runs.getIfAvailable();
    if (causes == null) {
      return AttributionMatcher.Runs.NONE;
    }
    Optional<String> whole = wholeIncident(causes, incident);
    if (whole.isPresent()) {
      return (key, at) -> whole.get();
    }
    Instant from = incident.openedAt().minus(properties.matchWindow());
    Instant to = incident.sealedAt() != null ? incident.sealedAt() : clock.instant();
    return (key, at) ->
        causes
            .changedDuring(key, at != null ? at : from, at != null ? at : to)
            .map(RunCauses.RunRef::toString)
            .orElse(null);
  }

  private static Optional<String> wholeIncident(RunCauses causes, Incident incident) {
    RunCauses.Attribution attribution = causes.attribute(incident);
    if (attribution instanceof RunCauses.CausedBy caused) {
      return Optional.of(caused.run().toString());
    }
    if (attribution instanceof RunCauses.AwaitingVerdict awaiting && awaiting.runs().size() == 1) {
      return Optional.of(awaiting.runs().get(0).toString());
    }
    return Optional.empty();
  }

  /** Looks again at incidents with pending items; settles those whose wait is over. */
  void recheckPending() {
    for (String id : enrichments.pendingIncidents(50)) {
      Optional<Incident> found = incidents.find(id);
      if (found.isEmpty()) {
        continue;
      }
      Incident incident = found.get();
      Instant sealedAt = incident.sealedAt() != null ? incident.sealedAt() : incident.openedAt();
      boolean mayWait = clock.instant().isBefore(sealedAt.plus(properties.pendingFor()));
      List<ItemAttribution> before = enrichments.find(id);
      // The ledger holds the re-seeded objects' uids by now: use those stored at seal time.
      Map<ResourceKey, String> uids = new HashMap<>();
      for (Incident.Item item : incident.items()) {
        before.stream()
            .filter(b -> b.item().kind().equals(item.key().kind()))
            .filter(b -> b.item().namespace().equals(nullToEmpty(item.key().namespace())))
            .filter(b -> b.item().name().equals(item.key().name()))
            .findFirst()
            .ifPresent(b -> uids.put(item.key(), b.item().uid()));
      }
      List<ItemAttribution> now = attribute(incident, mayWait, uids);
      List<ItemAttribution> changed =
          now.stream()
              .filter(a -> before.stream().noneMatch(b -> b.item().equals(a.item()) && b.known()))
              .filter(a -> !before.contains(a))
              .toList();
      if (!changed.isEmpty()) {
        enrichments.enrich(id, changed);
        changed.forEach(a -> metrics.itemAttributed(sourceTag(a)));
        log.info(
            "Incident {}: attribution of {} items added after seal ({} still unknown)",
            id,
            changed.size(),
            changed.stream().filter(a -> !a.known()).count());
      }
    }
  }

  @EventListener(ApplicationReadyEvent.class)
  void start() {
    scheduler = executors.single("attribution");
    scheduler.scheduleLeaderOnly(leadership::isLeader, this::safely, RECHECK, RECHECK);
  }

  private void safely() {
    try {
      recheckPending();
      int dropped = records.prune();
      if (dropped > 0) {
        log.debug("Dropped {} attribution records (retention or max-records)", dropped);
      }
    } catch (RuntimeException e) {
      log.warn("Attribution recheck failed; tried again in {}: {}", RECHECK, e.toString());
    }
  }

  @PreDestroy
  void stop() {
    if (scheduler != null) {
      scheduler.close();
    }
  }

  static String sourceTag(ItemAttribution a) {
    return a.actor() == null ? "unknown" : a.actor().source().name().toLowerCase(Locale.ROOT);
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }
}
