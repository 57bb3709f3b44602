package io.stagingcanary.verification;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stagingcanary.cluster.ClusterIdentities;
import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.cluster.ClusterReplaced;
import io.stagingcanary.concurrency.Calls;
import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.diff.Diff;
import io.stagingcanary.diff.DiffResult;
import io.stagingcanary.diff.ExpectedSentinel;
import io.stagingcanary.diff.ObservedState;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelResult;
import io.stagingcanary.diff.SentinelStatus;
import io.stagingcanary.diff.Snapshot;
import io.stagingcanary.diff.StatusType;
import io.stagingcanary.fixtures.FixtureCatalog;
import io.stagingcanary.fixtures.KindSpec;
import io.stagingcanary.fixtures.SentinelFixture;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentChangeListener;
import io.stagingcanary.incident.IncidentEngine;
import io.stagingcanary.incident.IncidentResolved;
import io.stagingcanary.incident.IncidentSealed;
import io.stagingcanary.incident.IncidentStore;
import io.stagingcanary.inventory.Inventory;
import io.stagingcanary.inventory.ObjectMaps;
import io.stagingcanary.leader.Leadership;
import io.stagingcanary.seeding.SeedOutcome;
import io.stagingcanary.seeding.SeedingCompleted;
import io.stagingcanary.seeding.SeedingService;
import io.stagingcanary.store.Ledger;
import io.stagingcanary.store.LedgerEntry;
import io.stagingcanary.watch.ApiLiveness;
import io.stagingcanary.watch.ChangeTrigger;
import io.stagingcanary.watch.SentinelInformers;
import io.stagingcanary.watch.SightProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Knows what happened to every sentinel. Events from the informers mark identities dirty and the
 * state is re-read from the caches (sub-second detection); a full, paginated LIST per kind runs at
 * startup, every {@code canary.verification.interval}, on demand and whenever sight returns. A kind
 * that cannot be observed makes its sentinels UNKNOWN and the agent BLIND — never MISSING.
 *
 * <p>All state changes happen on one thread; readers see immutable snapshots. Only the leader
 * verifies: on another replica every scheduled step is skipped, and gaining leadership (a new
 * seeding pass) runs a full verification, so losses during a switch of leader are found.
 */
@Service
public class Verifier implements ChangeTrigger, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(Verifier.class);
  private static final Duration HEALTH_CHECK = Duration.ofMillis(500);
  private static final Duration INCIDENT_TICK = Duration.ofMillis(250);

  /** How long a re-checked cluster identity is taken as current during a burst of losses. */
  private static final Duration IDENTITY_CONFIRMED_FOR = Duration.ofSeconds(5);

  private final CanaryProperties properties;
  private final Ledger ledger;
  private final FixtureCatalog fixtures;
  private final Inventory inventory;
  private final SeedingService seeding;
  private final Clock clock;
  private final ApplicationEventPublisher events;
  private final SentinelInformers informers;
  private final IncidentEngine incidents;
  private final ObjectProvider<ReseedHold> reseedHolds;
  private final Leadership leadership;
  private final ApiLiveness liveness;
  private final SightProperties sight;
  private final ClusterIdentities identities;
  private boolean started;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "canary-verifier");
            thread.setDaemon(true);
            return thread;
          });
  private final Map<ResourceKey, Instant> dirty = new ConcurrentHashMap<>();
  private final List<ExtraDegradations> extraDegradations = new CopyOnWriteArrayList<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();

  private ClusterIdentity cluster;
  private Map<ResourceKey, ExpectedSentinel> expected = Map.of();
  private Map<ResourceKey, SentinelFixture> fixturesByKey = Map.of();
  private Map<ResourceKey, LedgerEntry> ledgerByKey = Map.of();

  /** Replaced whole by a full verification, updated in place by events (one writer thread). */
  private volatile Map<ResourceKey, SentinelResult> current = new ConcurrentHashMap<>();

  private volatile AgentState state = AgentState.STARTING;
  private volatile Instant blindSince;
  private volatile String blindReason;
  private volatile VerificationResult lastVerification;
  private volatile Instant lastSuccessfulVerification;

  /** Since when everything has looked fine again while BLIND (hysteresis); verifier thread. */
  private Instant clearSince;

  /** How long sight must look fine before the next try to end blindness; grows while it fails. */
  private Duration returnDelay;

  /** When the identity was last read and found unchanged before a large loss. */
  private Instant identityConfirmedAt;

  /** Another cluster found behind the URL, being seeded; nothing is reported until it is. */
  private volatile ClusterIdentity replacedBy;

  public Verifier(
      CanaryProperties properties,
      Ledger ledger,
      FixtureCatalog fixtures,
      Inventory inventory,
      SeedingService seeding,
      KubernetesClient client,
      IncidentStore store,
      Clock clock,
      ApplicationEventPublisher events,
      ObjectProvider<ReseedHold> reseedHolds,
      ObjectProvider<IncidentChangeListener> incidentListeners,
      Leadership leadership,
      ApiLiveness liveness,
      SightProperties sight,
      ClusterIdentities identities) {
    this.properties = properties;
    this.liveness = liveness;
    this.sight = sight;
    this.identities = identities;
    this.returnDelay = sight.stableFor();
    this.reseedHolds = reseedHolds;
    this.leadership = leadership;
    this.ledger = ledger;
    this.fixtures = fixtures;
    this.inventory = inventory;
    this.seeding = seeding;
    this.clock = clock;
    this.events = events;
    this.informers = new SentinelInformers(client, clock);
    this.incidents =
        new IncidentEngine(
            store,
            clock,
            properties.incidents().groupWindow(),
            this::incidentSealed,
            this::incidentResolved,
            IncidentChangeListener.all(incidentListeners.orderedStream().toList()));
    inventory.setPageSize(properties.verification().pageSize());
  }

  /** After startup seeding: verify everything once, then watch. Blocks until verified. */
  @EventListener
  public void onSeeded(SeedingCompleted completed) {
    call(
        () -> {
          start(completed);
          return null;
        });
  }

  private void start(SeedingCompleted completed) {
    if (replacedBy != null) {
      // Seeded afresh on the cluster found behind the URL: its story starts now.
      replacedBy = null;
      blindSince = null;
      blindReason = null;
      clearSince = null;
      current = new ConcurrentHashMap<>();
    }
    cluster = completed.cluster();
    Map<ResourceKey, SentinelFixture> byKey = new LinkedHashMap<>();
    fixtures.sentinels().forEach(s -> byKey.put(s.key(), s));
    fixturesByKey = byKey;
    incidents.restore(cluster);
    detectEnvironmentReset(completed);
    verifyFull(Incident.DetectedBy.STARTUP);
    if (started) {
      // Leadership regained: informers and schedules run already; events queued meanwhile drain.
      drainScheduled.set(false);
      if (!dirty.isEmpty() && drainScheduled.compareAndSet(false, true)) {
        executor.execute(() -> guarded(this::drainDirty));
      }
      return;
    }
    started = true;
    informers.start(kinds(), this);
    long interval = properties.verification().interval().toMillis();
    executor.scheduleWithFixedDelay(
        () -> guarded(() -> verifyFull(Incident.DetectedBy.VERIFICATION)),
        interval,
        interval,
        TimeUnit.MILLISECONDS);
    // Seals incidents whose window is over and writes what a failed transaction left pending.
    executor.scheduleWithFixedDelay(
        () -> guarded(incidents::tick),
        INCIDENT_TICK.toMillis(),
        INCIDENT_TICK.toMillis(),
        TimeUnit.MILLISECONDS);
    executor.scheduleWithFixedDelay(
        () -> guarded(this::checkSight),
        HEALTH_CHECK.toMillis(),
        HEALTH_CHECK.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  // ---- triggers

  @Override
  public void dirty(ResourceKey key, Instant eventSeenAt) {
    dirty.merge(key, eventSeenAt, (a, b) -> a.isBefore(b) ? a : b);
    if (drainScheduled.compareAndSet(false, true)) {
      executor.execute(() -> guarded(this::drainDirty));
    }
  }

  /** Runs a full verification now and returns what it found. */
  public VerificationResult verifyNow() {
    return call(() -> verifyFull(Incident.DetectedBy.VERIFICATION));
  }

  /** Re-creates the lost sentinels of an open incident (mode {@code manual}). */
  public List<SeedOutcome> reseed(String incidentId) {
    return call(
        () -> {
          Incident incident =
              incidents
                  .openIncident(incidentId)
                  .orElseThrow(
                      () -> new IllegalArgumentException("no open incident " + incidentId));
          return reseedLost(incident);
        });
  }

  /** Re-creates the lost sentinels of open incidents now (e.g. when a tool run's hold ends). */
  public void reseedOpenIncidentsNow() {
    if (!leadership.isLeader()) {
      return;
    }
    call(
        () -> {
          reseedOpenIncidents();
          return null;
        });
  }

  /** Adds a source of degradations the objects do not show (applied from the next verification). */
  public void register(ExtraDegradations source) {
    extraDegradations.add(source);
  }

  /**
   * Present, modified or degraded sentinels get the extra reasons as DEGRADED; others keep theirs.
   */
  private List<SentinelResult> withExtraDegradations(DiffResult diff) {
    if (extraDegradations.isEmpty()) {
      return diff.results();
    }
    Map<ResourceKey, List<String>> extra = new HashMap<>();
    for (ExtraDegradations source : extraDegradations) {
      source
          .reasons()
          .forEach((k, v) -> extra.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
    }
    List<SentinelResult> results = new ArrayList<>(diff.results().size());
    for (SentinelResult r : diff.results()) {
      List<String> reasons = extra.get(r.key());
      SentinelStatus status = r.status();
      if (reasons != null && !reasons.isEmpty()) {
        if (status instanceof SentinelStatus.Present) {
          status = new SentinelStatus.Degraded(reasons, List.of());
        } else if (status instanceof SentinelStatus.Modified m) {
          status = new SentinelStatus.Degraded(reasons, m.changes());
        } else if (status instanceof SentinelStatus.Degraded d) {
          List<String> all = new ArrayList<>(d.reasons());
          all.addAll(reasons);
          status = new SentinelStatus.Degraded(all, d.changes());
        }
      }
      results.add(
          status == r.status() ? r : new SentinelResult(r.key(), r.set(), r.tenant(), status));
    }
    return results;
  }

  // ---- state for readers

  /**
   * The agent's state. An API server that stopped answering is BLIND at once, even while the
   * verifier thread still waits for an answer to a request made before.
   */
  public AgentState state() {
    if (state != AgentState.STARTING && liveness.downSince().isPresent()) {
      return AgentState.BLIND;
    }
    return state;
  }

  /** The latest result per sentinel; all UNKNOWN while the API server does not answer. */
  public Map<ResourceKey, SentinelResult> current() {
    Optional<String> down = liveness.downReason();
    if (down.isPresent() && state != AgentState.STARTING) {
      return Collections.unmodifiableMap(unknown(current.values(), down.get()));
    }
    return Collections.unmodifiableMap(current);
  }

  private static Map<ResourceKey, SentinelResult> unknown(
      Collection<SentinelResult> results, String reason) {
    Map<ResourceKey, SentinelResult> unknown = new HashMap<>();
    for (SentinelResult r : results) {
      unknown.put(
          r.key(),
          new SentinelResult(r.key(), r.set(), r.tenant(), new SentinelStatus.Unknown(reason)));
    }
    return unknown;
  }

  public Optional<VerificationResult> lastVerification() {
    return Optional.ofNullable(lastVerification);
  }

  public Optional<Instant> lastSuccessfulVerification() {
    return Optional.ofNullable(lastSuccessfulVerification);
  }

  public Optional<Instant> blindSince() {
    Instant since = blindSince;
    if (since == null && state != AgentState.STARTING) {
      return liveness.downSince();
    }
    return Optional.ofNullable(since);
  }

  public Optional<String> blindReason() {
    String reason = blindReason;
    if (reason == null && state != AgentState.STARTING) {
      return liveness.downReason();
    }
    return Optional.ofNullable(reason);
  }

  public Optional<ClusterIdentity> cluster() {
    return Optional.ofNullable(cluster);
  }

  // ---- the work, on the verifier thread

  private void drainDirty() {
    drainScheduled.set(false);
    if (cluster == null || blindSince != null || replacedBy != null) {
      return;
    }
    Map<ResourceKey, Instant> batch = new HashMap<>();
    for (ResourceKey key : List.copyOf(dirty.keySet())) {
      Instant seen = dirty.remove(key);
      if (seen != null && expected.containsKey(key)) {
        batch.put(key, seen);
      }
    }
    if (batch.isEmpty()) {
      return;
    }
    Set<KindSpec> kinds = new LinkedHashSet<>();
    List<ExpectedSentinel> subset = new ArrayList<>();
    for (ResourceKey key : batch.keySet()) {
      SentinelFixture fixture = fixturesByKey.get(key);
      if (fixture != null && informers.healthy(fixture.kindSpec())) {
        kinds.add(fixture.kindSpec());
        subset.add(expected.get(key));
      }
    }
    if (subset.isEmpty()) {
      return;
    }
    List<ObservedState> objects = new ArrayList<>();
    Set<String> observed = new LinkedHashSet<>();
    for (KindSpec kind : kinds) {
      observed.add(Inventory.kindId(kind));
      for (GenericKubernetesResource item : informers.cached(kind, batch.keySet())) {
        ObservedState state = ObjectMaps.observe(item);
        if (batch.containsKey(state.key())) {
          objects.add(state);
        }
      }
    }
    Snapshot snapshot =
        confirmAbsent(Snapshot.of(clock.instant(), objects, observed, Map.of()), subset);
    List<SentinelResult> results = withExtraDegradations(Diff.compare(subset, snapshot));
    if (replacedUnder(results)) {
      return;
    }
    results.forEach(r -> current.put(r.key(), r));
    Instant decided = clock.instant();
    List<String> opened = handle(results, Incident.DetectedBy.WATCH, null, null);
    publishDetection(opened, results, batch, decided);
  }

  /** For the detection-latency metric: earliest event of the changes → the incident opened. */
  private void publishDetection(
      List<String> opened,
      Collection<SentinelResult> results,
      Map<ResourceKey, Instant> seenAt,
      Instant decided) {
    if (opened.isEmpty()) {
      return;
    }
    results.stream()
        .filter(r -> r.type() != StatusType.PRESENT && r.type() != StatusType.UNKNOWN)
        .map(r -> seenAt.get(r.key()))
        .filter(Objects::nonNull)
        .min(Instant::compareTo)
        .ifPresent(
            seen -> {
              Instant openedAt =
                  incidents.openIncident(opened.get(0)).map(Incident::openedAt).orElse(decided);
              events.publishEvent(new IncidentOpenedByWatch(opened.get(0), seen, openedAt));
            });
  }

  private VerificationResult verifyFull(Incident.DetectedBy detectedBy) {
    return verifyFull(detectedBy, false);
  }

  /**
   * One full verification. While BLIND, whatever it finds carries the blind interval so far; only a
   * verification run because sight returned ({@code sightReturned}) and that observed every kind
   * ends the blindness.
   */
  private VerificationResult verifyFull(Incident.DetectedBy detectedBy, boolean sightReturned) {
    Instant started = clock.instant();
    loadExpected();
    Optional<String> down = liveness.downReason();
    // A frozen API server would hold every LIST for the whole request timeout: do not ask.
    Inventory.Listing listing =
        down.isPresent() ? unobservedListing(down.get()) : inventory.list(kinds());
    Inventory.Confirmation confirmation =
        inventory.confirmAbsent(
            listing.snapshot(), absentFrom(listing.snapshot(), expected.values()));
    Snapshot snapshot = confirmation.snapshot();
    List<SentinelResult> results = withExtraDegradations(Diff.compare(expected.values(), snapshot));
    Instant blindFrom = null;
    Instant blindTo = null;
    boolean replaced = false;
    if (!snapshot.unobserved().isEmpty()) {
      clearSince = null;
      goBlind(started, String.join("; ", describe(snapshot.unobserved())));
    } else if (sightReturned && blindSince != null && identityChanged()) {
      replaced = true;
    }
    if (!replaced && blindSince != null) {
      blindFrom = blindSince;
      blindTo = clock.instant();
      if (snapshot.unobserved().isEmpty() && sightReturned) {
        log.info(
            "Cluster {} is visible again after {}",
            cluster.name(),
            Duration.between(blindFrom, blindTo));
        blindSince = null;
        blindReason = null;
        clearSince = null;
        returnDelay = sight.stableFor();
      }
    }
    replaced = replaced || replacedUnder(results);
    List<String> opened = List.of();
    if (!replaced) {
      Map<ResourceKey, SentinelResult> next = new HashMap<>();
      results.forEach(r -> next.put(r.key(), r));
      current = new ConcurrentHashMap<>(next);
      opened = handle(results, detectedBy, blindFrom, blindTo);
      if (detectedBy != Incident.DetectedBy.STARTUP) {
        reseedOpenIncidents();
      }
    }
    Instant finished = clock.instant();
    if (snapshot.unobserved().isEmpty() && !replaced) {
      lastSuccessfulVerification = finished;
    }
    VerificationResult result =
        new VerificationResult(
            finished,
            Duration.between(started, finished),
            listing.requests() + confirmation.requests(),
            state,
            countByState(),
            List.copyOf(snapshot.unobserved().keySet()),
            opened);
    lastVerification = result;
    events.publishEvent(new VerificationCompleted(result));
    return result;
  }

  /** Every kind unobserved, without a request: the API server is not answering. */
  private Inventory.Listing unobservedListing(String reason) {
    Map<String, String> unobserved = new LinkedHashMap<>();
    kinds().forEach(kind -> unobserved.put(Inventory.kindId(kind), reason));
    return new Inventory.Listing(Snapshot.of(clock.instant(), List.of(), Set.of(), unobserved), 0);
  }

  private void goBlind(Instant since, String reason) {
    if (blindSince == null) {
      blindSince = since;
      log.warn("Cluster {} is BLIND: {}", cluster.name(), reason);
    }
    blindReason = reason;
    updateState();
  }

  /**
   * Whether these results would report a loss of more than {@code
   * canary.sight.identity-check-share} of the sentinels and the cluster behind the URL turns out to
   * be another one (then the replacement is handed to seeding and nothing is reported).
   */
  private boolean replacedUnder(Collection<SentinelResult> results) {
    if (expected.isEmpty()) {
      return false;
    }
    boolean fresh =
        results.stream().anyMatch(r -> r.type().lost() && !incidents.isReported(r.key()));
    if (!fresh) {
      return false;
    }
    Map<ResourceKey, StatusType> lost = new HashMap<>();
    current.values().stream()
        .filter(r -> r.type().lost())
        .forEach(r -> lost.put(r.key(), r.type()));
    for (SentinelResult r : results) {
      if (r.type().lost()) {
        lost.put(r.key(), r.type());
      } else {
        lost.remove(r.key());
      }
    }
    double share = (double) lost.size() / expected.size();
    if (share <= sight.identityCheckShare()) {
      return false;
    }
    Instant now = clock.instant();
    if (identityConfirmedAt != null
        && now.isBefore(identityConfirmedAt.plus(IDENTITY_CONFIRMED_FOR))) {
      // A burst of losses: asked a moment ago.
      return false;
    }
    boolean changed = identityChanged();
    identityConfirmedAt = changed ? null : now;
    return changed;
  }

  /**
   * Asks the API server which cluster it serves. Another one than the agent's (a new {@code
   * kube-system} uid behind the same URL) is handed to seeding, which starts over on it; the agent
   * stays BLIND meanwhile. An identity that cannot be read leaves things as they are.
   */
  private boolean identityChanged() {
    if (replacedBy != null) {
      return true;
    }
    if (!properties.incidents().reportEnvironmentReset()) {
      return false;
    }
    ClusterIdentity now;
    try {
      now = identities.current();
    } catch (RuntimeException e) {
      log.warn("Cannot re-check the identity of cluster {}: {}", cluster.name(), e.getMessage());
      return false;
    }
    if (now.id().equals(cluster.id())) {
      return false;
    }
    ClusterIdentity previous = cluster;
    replacedBy = now;
    goBlind(
        clock.instant(),
        "another cluster is behind "
            + now.serverUrl()
            + " ("
            + previous.id()
            + " -> "
            + now.id()
            + "): seeding it");
    log.warn(
        "Cluster {} behind {} is another cluster now ({} -> {}): an environment reset, not a loss",
        previous.name(),
        now.serverUrl(),
        previous.id(),
        now.id());
    // Seeding calls back onto this thread (SeedingCompleted): hand it over, do not wait.
    CompletableFuture.runAsync(() -> events.publishEvent(new ClusterReplaced(previous, now)))
        .exceptionally(
            e -> {
              log.error("Seeding the replaced cluster {} failed", now.id(), e);
              replacedBy = null;
              return null;
            });
    return true;
  }

  private Snapshot confirmAbsent(Snapshot snapshot, Collection<ExpectedSentinel> sentinels) {
    Map<ResourceKey, KindSpec> absent = absentFrom(snapshot, sentinels);
    return absent.isEmpty() ? snapshot : inventory.confirmAbsent(snapshot, absent).snapshot();
  }

  /** Sentinels of observed kinds that the label-selected view lacks. */
  private Map<ResourceKey, KindSpec> absentFrom(
      Snapshot snapshot, Collection<ExpectedSentinel> sentinels) {
    Map<ResourceKey, KindSpec> absent = new LinkedHashMap<>();
    for (ExpectedSentinel sentinel : sentinels) {
      SentinelFixture fixture = fixturesByKey.get(sentinel.key());
      if (fixture != null
          && snapshot.observes(sentinel.key())
          && snapshot.get(sentinel.key()) == null) {
        absent.put(sentinel.key(), fixture.kindSpec());
      }
    }
    return absent;
  }

  /**
   * Every half second: BLIND at once when the API server stops answering or an informer cannot
   * watch (and a watch that keeps failing while the API server answers is re-listed); visible again
   * only after everything looked fine for {@code canary.sight.stable-for} and a full verification
   * then observed every kind (hysteresis: one blind episode, not flapping). The cluster identity is
   * re-checked before sight is declared back.
   */
  private void checkSight() {
    if (cluster == null || replacedBy != null) {
      return;
    }
    Instant now = clock.instant();
    Optional<String> problem = sightProblem();
    if (problem.isPresent()) {
      clearSince = null;
      goBlind(liveness.downSince().orElse(now), problem.get());
      liveness
          .answeringSince()
          .ifPresent(answering -> informers.restartStale(answering, sight.relistAfter()));
      return;
    }
    if (blindSince == null) {
      return;
    }
    if (clearSince == null) {
      clearSince = now;
    }
    if (Duration.between(clearSince, now).compareTo(returnDelay) < 0) {
      return;
    }
    verifyFull(Incident.DetectedBy.VERIFICATION, true);
    if (blindSince != null) {
      // Still not every kind observed: try again later, not every half second.
      clearSince = clock.instant();
      Duration cap = properties.verification().interval().dividedBy(2);
      Duration doubled = returnDelay.isZero() ? Duration.ofSeconds(1) : returnDelay.multipliedBy(2);
      returnDelay = doubled.compareTo(cap) > 0 ? cap : doubled;
    }
  }

  /** Why the agent cannot see now: the API server is not answering, or a kind is not watched. */
  private Optional<String> sightProblem() {
    Optional<String> down = liveness.downReason();
    if (down.isPresent() || liveness.downSince().isPresent()) {
      return Optional.of(down.orElse("API server not answering"));
    }
    return informers.kinds().stream()
        .map(kind -> informers.blindReason(kind).map(r -> kind.kind() + ": " + r))
        .flatMap(Optional::stream)
        .findFirst();
  }

  private List<String> handle(
      Collection<SentinelResult> results,
      Incident.DetectedBy detectedBy,
      Instant blindFrom,
      Instant blindTo) {
    List<String> opened = incidents.accept(results, detectedBy, blindFrom, blindTo);
    if (!opened.isEmpty()) {
      Duration window = properties.incidents().groupWindow();
      if (window.isZero()) {
        incidents.seal();
      } else {
        executor.schedule(
            () -> guarded(this::sealWhenSettled), window.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
    incidents.resolveRecovered(current);
    updateState();
    return opened;
  }

  /**
   * Seals the incident at the end of its window, unless a namespace in it is still terminating:
   * then it waits for the namespace controller, up to the 30 s cap after the first change.
   */
  private void sealWhenSettled() {
    Optional<Instant> since = incidents.collectingSince();
    if (since.isEmpty()) {
      return;
    }
    Instant cap = since.get().plus(CanaryProperties.Incidents.MAX_GROUP_WINDOW);
    if (incidents.collectingNamespaceTerminating() && clock.instant().isBefore(cap)) {
      executor.schedule(() -> guarded(this::sealWhenSettled), 500, TimeUnit.MILLISECONDS);
      return;
    }
    incidents.seal();
  }

  private void incidentSealed(Incident incident) {
    log.warn(
        "Incident {} ({}, detected by {}) on cluster {}: {}\n{}",
        incident.id(),
        incident.type(),
        incident.detectedBy(),
        incident.clusterName(),
        incident.headline(),
        incident.text());
    events.publishEvent(new IncidentSealed(incident));
    if (incident.type() == Incident.Type.SENTINEL_LOSS
        && properties.reseed().mode() == CanaryProperties.ReseedMode.AFTER_INCIDENT
        && !held(incident.id())) {
      reseedLost(incident);
    }
  }

  private void incidentResolved(Incident incident) {
    log.info("Incident {} resolved: every sentinel in it is back", incident.id());
    events.publishEvent(new IncidentResolved(incident));
  }

  private void reseedOpenIncidents() {
    if (properties.reseed().mode() != CanaryProperties.ReseedMode.AFTER_INCIDENT
        || incidents.openSealed().isEmpty()
        || held("open incidents")) {
      return;
    }
    for (Incident incident : incidents.openSealed()) {
      if (incident.type() == Incident.Type.SENTINEL_LOSS) {
        reseedLost(incident);
      }
    }
  }

  /** Re-creates the incident's sentinels that are missing now; only ever for a stored incident. */
  private List<SeedOutcome> reseedLost(Incident incident) {
    List<SentinelFixture> lost = new ArrayList<>();
    for (Incident.Item item : incident.items()) {
      SentinelResult now = current.get(item.key());
      SentinelFixture fixture = fixturesByKey.get(item.key());
      if (fixture != null && now != null && now.type() == StatusType.MISSING) {
        lost.add(fixture);
      }
    }
    if (lost.isEmpty()) {
      return List.of();
    }
    List<SeedOutcome> outcomes = seeding.reseed(cluster, lost, incident.id());
    reloadExpected(lost.stream().map(SentinelFixture::key).toList());
    rejudgeNotReseeded(outcomes);
    return outcomes;
  }

  /**
   * Looks again at the sentinels a re-seed did not re-create: a same-named object of someone else
   * (a foreign namespace created after the loss, unlabelled, so no informer saw it) is REPLACED
   * now, not MISSING until the next full verification.
   */
  private void rejudgeNotReseeded(List<SeedOutcome> outcomes) {
    List<ExpectedSentinel> again = new ArrayList<>();
    Set<String> kinds = new LinkedHashSet<>();
    for (SeedOutcome outcome : outcomes) {
      ExpectedSentinel sentinel = expected.get(outcome.sentinel().key());
      if (outcome.result() != SeedOutcome.Result.CREATED && sentinel != null) {
        again.add(sentinel);
        kinds.add(Inventory.kindId(outcome.sentinel().kindSpec()));
      }
    }
    if (again.isEmpty()) {
      return;
    }
    Snapshot snapshot =
        confirmAbsent(Snapshot.of(clock.instant(), List.of(), kinds, Map.of()), again);
    List<SentinelResult> results = withExtraDegradations(Diff.compare(again, snapshot));
    results.forEach(r -> current.put(r.key(), r));
    handle(results, Incident.DetectedBy.VERIFICATION, null, null);
  }

  private boolean held(String what) {
    Optional<String> reason =
        reseedHolds.orderedStream().map(ReseedHold::reason).flatMap(Optional::stream).findFirst();
    reason.ifPresent(r -> log.info("Re-seed of {} deferred: {}", what, r));
    return reason.isPresent();
  }

  private void detectEnvironmentReset(SeedingCompleted completed) {
    if (!properties.incidents().reportEnvironmentReset()) {
      return;
    }
    boolean ownedBefore =
        completed.report().outcomes().stream()
            .anyMatch(
                o ->
                    o.result() == SeedOutcome.Result.UNCHANGED
                        || o.result() == SeedOutcome.Result.UPDATED
                        || o.result() == SeedOutcome.Result.ADOPTED
                        || o.result() == SeedOutcome.Result.MISSING);
    if (ownedBefore) {
      return;
    }
    ledger.clusters().stream()
        .filter(c -> c.clusterName().equals(cluster.name()) && !c.clusterId().equals(cluster.id()))
        .filter(c -> ledger.count(c.clusterId()) > 0)
        .max((a, b) -> a.lastSeenAt().compareTo(b.lastSeenAt()))
        .ifPresent(
            previous ->
                incidents.environmentReset(
                    previous.clusterId(), ledger.count(previous.clusterId())));
  }

  /** Re-reads only these sentinels' ledger entries (after a re-seed gave them new uids). */
  private void reloadExpected(Collection<ResourceKey> keys) {
    Map<ResourceKey, ExpectedSentinel> next = new LinkedHashMap<>(expected);
    Map<ResourceKey, LedgerEntry> entries = new HashMap<>(ledgerByKey);
    for (ResourceKey key : keys) {
      ledger
          .find(cluster.id(), key)
          .ifPresent(
              entry -> {
                next.put(key, expectedOf(entry));
                entries.put(key, entry);
              });
    }
    expected = next;
    ledgerByKey = entries;
  }

  private static ExpectedSentinel expectedOf(LedgerEntry entry) {
    return new ExpectedSentinel(
        entry.key(),
        entry.set(),
        entry.tenant(),
        entry.uid(),
        ObjectMaps.fromJson(entry.manifestJson()));
  }

  private void loadExpected() {
    Map<ResourceKey, ExpectedSentinel> next = new LinkedHashMap<>();
    Map<ResourceKey, LedgerEntry> entries = new HashMap<>();
    for (LedgerEntry entry : ledger.findAll(cluster.id())) {
      if (!fixturesByKey.containsKey(entry.key())) {
        continue;
      }
      ExpectedSentinel known = expected.get(entry.key());
      LedgerEntry previous = ledgerByKey.get(entry.key());
      boolean unchanged =
          known != null
              && previous != null
              && previous.uid().equals(entry.uid())
              && previous.fingerprint().equals(entry.fingerprint());
      next.put(entry.key(), unchanged ? known : expectedOf(entry));
      entries.put(entry.key(), entry);
    }
    expected = next;
    ledgerByKey = entries;
  }

  private List<KindSpec> kinds() {
    Set<KindSpec> kinds = new LinkedHashSet<>();
    fixturesByKey.values().forEach(s -> kinds.add(s.kindSpec()));
    return List.copyOf(kinds);
  }

  private void updateState() {
    if (blindSince != null) {
      state = AgentState.BLIND;
      return;
    }
    boolean loss =
        current.values().stream()
            .anyMatch(r -> r.type() != StatusType.PRESENT && r.type() != StatusType.UNKNOWN);
    state = loss ? AgentState.LOSS : AgentState.HEALTHY;
  }

  private Map<StatusType, Integer> countByState() {
    Map<StatusType, Integer> counts = new EnumMap<>(StatusType.class);
    current.values().forEach(r -> counts.merge(r.type(), 1, Integer::sum));
    return counts;
  }

  private static List<String> describe(Map<String, String> unobserved) {
    List<String> lines = new ArrayList<>();
    unobserved.forEach((kind, reason) -> lines.add(kind + ": " + reason));
    return lines;
  }

  private <T> T call(Callable<T> work) {
    return Calls.on(executor, work);
  }

  private void guarded(Runnable work) {
    if (!leadership.isLeader()) {
      return;
    }
    try {
      work.run();
    } catch (KubernetesClientException e) {
      log.warn("Verification step failed, will retry: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.error("Verification step failed, will retry", e);
    }
  }

  /** Stops watching before the client closes: the sandbox's mock server hangs on torn watches. */
  @Override
  public void destroy() {
    executor.shutdownNow();
    informers.close();
  }
}
