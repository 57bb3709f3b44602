package io.stagingcanary.verification;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelResult;
import io.stagingcanary.diff.Snapshot;
import io.stagingcanary.diff.StatusType;
import io.stagingcanary.fixtures.FixtureCatalog;
import io.stagingcanary.fixtures.KindSpec;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentChangeListener;
import io.stagingcanary.incident.IncidentEngine;
import io.stagingcanary.incident.IncidentStore;
import io.stagingcanary.inventory.Inventory;
import io.stagingcanary.leader.Leadership;
import io.stagingcanary.platform.ComponentExecutors;
import io.stagingcanary.seeding.LostSentinels;
import io.stagingcanary.seeding.Reseeder;
import io.stagingcanary.seeding.SeedOutcome;
import io.stagingcanary.seeding.SeedingCompleted;
import io.stagingcanary.store.Ledger;
import io.stagingcanary.watch.ApiLiveness;
import io.stagingcanary.watch.ChangeTrigger;
import io.stagingcanary.watch.SentinelInformers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Observes the sentinels. Informer events mark identities dirty and the state thread re-reads them
 * from the caches (sub-second detection); a full, paginated LIST per kind runs at startup, every
 * {@code canary.verification.interval}, on demand and when sight returns. A kind that cannot be
 * observed makes its sentinels UNKNOWN and the agent BLIND ({@link Sight}) — never MISSING.
 *
 * <p>Two threads. The state thread owns the results, the incidents ({@link IncidentFlow}) and the
 * blind state, and handles events; the list thread runs full verifications ({@link
 * SentinelReader#list}) and hands each to the state thread to merge, so events never wait behind a
 * LIST. Only the leader verifies; gaining leadership (a new seeding pass) runs a full verification.
 */
@Service
public class Verifier
    implements SentinelObservations,
        VerificationRequests,
        LostSentinels,
        ChangeTrigger,
        DisposableBean {

  private static final Duration HEALTH_CHECK = Duration.ofMillis(500);
  private static final Duration INCIDENT_TICK = Duration.ofMillis(250);

  private final CanaryProperties properties;
  private final Ledger ledger;
  private final FixtureCatalog fixtures;
  private final Clock clock;
  private final SentinelInformers informers;
  private final ApiLiveness liveness;
  private final Sight sight;
  private final Reseeder reseeder;
  private final Degradations degradations = new Degradations();
  private final ObservedResults results = new ObservedResults();
  private final SentinelReader reader;
  private final ApplicationEventPublisher events;
  private final VerifierThreads threads;
  private final IncidentFlow flow;
  private final IncidentEngine incidents;
  private final DirtyKeys dirty = new DirtyKeys();
  private final AtomicBoolean returning = new AtomicBoolean();
  private boolean started;

  private volatile ClusterIdentity cluster;
  private volatile Expectations expectations = Expectations.NONE;
  private volatile AgentState state = AgentState.STARTING;
  private volatile VerificationResult lastVerification;
  private volatile Instant lastSuccessfulVerification;

  public Verifier(
      CanaryProperties properties,
      Ledger ledger,
      FixtureCatalog fixtures,
      Inventory inventory,
      KubernetesClient client,
      IncidentStore store,
      Clock clock,
      ApplicationEventPublisher events,
      ObjectProvider<IncidentChangeListener> incidentListeners,
      Leadership leadership,
      ApiLiveness liveness,
      Sight sight,
      Reseeder reseeder,
      ComponentExecutors executors) {
    this.properties = properties;
    this.ledger = ledger;
    this.fixtures = fixtures;
    this.clock = clock;
    this.threads = new VerifierThreads(leadership, executors);
    this.liveness = liveness;
    this.sight = sight;
    this.reseeder = reseeder;
    this.informers = new SentinelInformers(client, clock);
    this.reader = new SentinelReader(inventory, informers, ledger, liveness, degradations, clock);
    this.flow =
        new IncidentFlow(
            store,
            incidentListeners.orderedStream().toList(),
            properties.incidents().groupWindow(),
            clock,
            events,
            threads.state(),
            threads::guarded);
    this.incidents = flow.engine();
    this.events = events;
    inventory.setPageSize(properties.verification().pageSize());
  }

  /** After startup seeding: verify everything once, then watch. Blocks until verified. */
  @EventListener
  public void onSeeded(SeedingCompleted completed) {
    onStateThread(
        () -> {
          start(completed);
          return null;
        });
  }

  private void start(SeedingCompleted completed) {
    if (sight.replaced()) {
      sight.startOver();
      results.clear();
    }
    cluster = completed.cluster();
    expectations = expectations.withFixtures(fixtures.sentinels());
    incidents.restore(cluster);
    sight.detectEnvironmentReset(cluster, completed, incidents);
    merge(list(), Incident.DetectedBy.STARTUP, false);
    if (started) {
      // Leadership regained: informers and schedules run already; events queued meanwhile drain.
      dirty.forgetDrain();
      if (dirty.claimDrain()) {
        threads.stateSoon(this::drainDirty);
      }
      return;
    }
    started = true;
    informers.start(expectations.kinds(), this);
    threads.listEvery(
        properties.verification().interval(),
        () -> verify(Incident.DetectedBy.VERIFICATION, false));
    // Seals incidents whose window is over and writes what a failed transaction left pending.
    threads.stateEvery(INCIDENT_TICK, incidents::tick);
    threads.stateEvery(HEALTH_CHECK, this::checkSight);
  }

  // ---- triggers and requests

  @Override
  public void dirty(ResourceKey key, Instant eventSeenAt) {
    if (dirty.mark(key, eventSeenAt)) {
      threads.stateSoon(this::drainDirty);
    }
  }

  @Override
  public VerificationResult verifyNow() {
    if (cluster == null) {
      throw new IllegalStateException("nothing to verify before the first seeding completed");
    }
    return threads.onList(() -> verify(Incident.DetectedBy.VERIFICATION, false));
  }

  @Override
  public void register(ExtraDegradations source) {
    degradations.register(source);
  }

  // ---- SentinelObservations (any thread)

  @Override
  public AgentState state() {
    if (state != AgentState.STARTING && liveness.downSince().isPresent()) {
      return AgentState.BLIND;
    }
    return state;
  }

  @Override
  public Map<ResourceKey, SentinelResult> current() {
    Optional<String> down = liveness.downReason();
    if (down.isEmpty() || state == AgentState.STARTING) {
      return results.view();
    }
    return results.unknown(down.get());
  }

  @Override
  public Optional<VerificationResult> lastVerification() {
    return Optional.ofNullable(lastVerification);
  }

  @Override
  public Optional<Instant> lastSuccessfulVerification() {
    return Optional.ofNullable(lastSuccessfulVerification);
  }

  @Override
  public Optional<Instant> blindSince() {
    return sight.blindSince(state != AgentState.STARTING);
  }

  @Override
  public Optional<String> blindReason() {
    return sight.blindReason(state != AgentState.STARTING);
  }

  @Override
  public Optional<ClusterIdentity> cluster() {
    return Optional.ofNullable(cluster);
  }

  @Override
  public Snapshot watched(Collection<KindSpec> kinds) {
    return reader.watched(kinds);
  }

  // ---- LostSentinels: the re-seeder's port

  @Override
  public <T> T onStateThread(Callable<T> work) {
    return threads.onState(work);
  }

  @Override
  public void onStateThreadSoon(Runnable work) {
    threads.stateSoon(work);
  }

  @Override
  public boolean missingNow(ResourceKey key) {
    SentinelResult now = results.get(key);
    return now != null && now.type() == StatusType.MISSING;
  }

  @Override
  public Optional<Incident> openIncident(String id) {
    return incidents.openIncident(id);
  }

  @Override
  public List<Incident> openSealedIncidents() {
    return incidents.openSealed();
  }

  /** Reloads only the re-seeded entries; a sentinel not re-created is judged again at once. */
  @Override
  public void reseeded(Collection<ResourceKey> keys, List<SeedOutcome> outcomes) {
    expectations = expectations.reloaded(ledger, cluster.id(), keys);
    results.touched(keys);
    List<SentinelResult> found = reader.notReseeded(expectations, outcomes);
    if (!found.isEmpty()) {
      results.judged(found);
      handle(found, Incident.DetectedBy.VERIFICATION, null, null);
    }
  }

  // ---- on the state thread

  private void drainDirty() {
    if (cluster == null || sight.blind() || sight.replaced()) {
      // Kept: a full verification follows start, returning sight or the new cluster's seeding.
      dirty.forgetDrain();
      return;
    }
    Map<ResourceKey, Instant> batch = dirty.take();
    List<SentinelResult> found = reader.fromCaches(expectations, batch.keySet());
    if (found.isEmpty()) {
      return;
    }
    if (replacedUnder(found)) {
      updateState();
      return;
    }
    results.judged(found);
    Instant decided = clock.instant();
    List<String> opened = handle(found, Incident.DetectedBy.WATCH, null, null);
    flow.publishDetection(opened, found, batch, decided);
  }

  /**
   * On the list thread: one full verification, merged on the state thread (waits for it). One run
   * to end blindness ({@code sightReturned}) may end it, and backs off when it does not.
   */
  private VerificationResult verify(Incident.DetectedBy detectedBy, boolean sightReturned) {
    SentinelReader.Listed listed = list();
    return threads.onState(
        () -> {
          VerificationResult result = merge(listed, detectedBy, sightReturned);
          if (sightReturned) {
            sight.returnTried();
          }
          return result;
        });
  }

  private SentinelReader.Listed list() {
    return reader.list(results.mark(), expectations, cluster.id());
  }

  /**
   * Takes a listing's findings. While BLIND they carry the blind interval so far; a sentinel judged
   * from an event after the listing began keeps that newer result.
   */
  private VerificationResult merge(
      SentinelReader.Listed listed, Incident.DetectedBy detectedBy, boolean sightReturned) {
    if (expectations == listed.base()) {
      // Otherwise a re-seed reloaded entries meanwhile: keep them, the next listing reloads all.
      expectations = listed.expectations();
    }
    Map<String, String> unobserved = listed.snapshot().unobserved();
    Sight.Interval blind = sight.afterListing(cluster, unobserved, sightReturned, listed.started());
    boolean replaced = blind.replaced() || replacedUnder(listed.results());
    List<String> opened = List.of();
    if (!replaced) {
      List<SentinelResult> taken = results.mergeListing(listed.mark(), listed.results());
      opened = handle(taken, detectedBy, blind.from(), blind.to());
      if (detectedBy != Incident.DetectedBy.STARTUP) {
        reseeder.reseedOpenIncidents();
      }
    }
    updateState();
    Instant finished = clock.instant();
    if (unobserved.isEmpty() && !replaced) {
      lastSuccessfulVerification = finished;
    }
    VerificationResult result =
        new VerificationResult(
            finished,
            Duration.between(listed.started(), finished),
            listed.requests(),
            state,
            results.countByState(),
            List.copyOf(unobserved.keySet()),
            opened);
    lastVerification = result;
    events.publishEvent(new VerificationCompleted(result));
    return result;
  }

  /** Whether these results are a fresh, large loss on another cluster behind the URL. */
  private boolean replacedUnder(Collection<SentinelResult> found) {
    int expected = expectations.expected().size();
    boolean fresh = found.stream().anyMatch(r -> r.type().lost() && !incidents.isReported(r.key()));
    return fresh && sight.replacedBeforeLargeLoss(cluster, results.lostAfter(found), expected);
  }

  /** Every half second: BLIND at once on a problem; a full verification may end it (Sight). */
  private void checkSight() {
    if (cluster == null || sight.replaced()) {
      return;
    }
    switch (sight.check(cluster, reader.unwatched())) {
      case BLIND -> {
        updateState();
        liveness
            .answeringSince()
            .ifPresent(answering -> informers.restartStale(answering, sight.relistAfter()));
      }
      case TRY_RETURN -> {
        if (returning.compareAndSet(false, true)) {
          threads.listSoon(
              () -> verify(Incident.DetectedBy.VERIFICATION, true), () -> returning.set(false));
        }
      }
      case NONE -> {}
    }
  }

  private List<String> handle(
      Collection<SentinelResult> found, Incident.DetectedBy by, Instant from, Instant to) {
    List<String> opened = flow.handle(found, by, from, to, results.view());
    updateState();
    return opened;
  }

  private void updateState() {
    if (sight.blind()) {
      state = AgentState.BLIND;
    } else {
      state = results.anyLoss() ? AgentState.LOSS : AgentState.HEALTHY;
    }
  }

  /** Stops watching before the client closes: the sandbox's mock server hangs on torn watches. */
  @Override
  public void destroy() {
    threads.close();
    informers.close();
  }
}
