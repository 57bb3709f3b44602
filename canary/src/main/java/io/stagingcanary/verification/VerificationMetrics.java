package io.stagingcanary.verification;

import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.fixtures.FixtureCatalog;
import io.stagingcanary.fixtures.SentinelFixture;
import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentSealed;
import io.stagingcanary.incident.IncidentStore;
import io.stagingcanary.metrics.CanaryMetrics;
import io.stagingcanary.metrics.SentinelGroup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Feeds {@link CanaryMetrics} from the observations: gauges read a snapshot of the sentinel states
 * (recomputed at most every {@link #MAX_AGE}, as it reads the ledger), counters and timers follow
 * the verifier's events.
 */
@Component
class VerificationMetrics {

  static final Duration MAX_AGE = Duration.ofSeconds(2);

  private final CanaryMetrics metrics;
  private final SentinelObservations observations;
  private final SentinelStates states;
  private final IncidentStore incidents;
  private final Clock clock;
  private volatile Snapshot snapshot;

  /** What the gauges show, computed at {@code at}. */
  record Snapshot(
      Instant at,
      Map<SentinelGroup, Long> counts,
      Map<String, Instant> oldestPresentSeededAt,
      int openIncidents) {}

  VerificationMetrics(
      CanaryMetrics metrics,
      SentinelObservations observations,
      SentinelStates states,
      FixtureCatalog fixtures,
      IncidentStore incidents,
      Clock clock) {
    this.metrics = metrics;
    this.observations = observations;
    this.states = states;
    this.incidents = incidents;
    this.clock = clock;
    Set<SentinelGroup> groups = new LinkedHashSet<>();
    Set<String> sets = new LinkedHashSet<>();
    for (SentinelFixture sentinel : fixtures.sentinels()) {
      sets.add(sentinel.set());
      for (SentinelState state : SentinelState.values()) {
        groups.add(new SentinelGroup(sentinel.set(), sentinel.key().kind(), state.name()));
      }
    }
    metrics.bindSentinels(groups, () -> snapshot().counts());
    metrics.declareSentinelKinds(groups);
    metrics.bindOldestSentinel(
        sets, set -> Optional.ofNullable(snapshot().oldestPresentSeededAt().get(set)));
    metrics.bindOpenIncidents(() -> snapshot().openIncidents());
    metrics.bindAgentState(
        Arrays.stream(AgentState.values()).map(Enum::name).toList(),
        () -> observations.state().name());
    metrics.bindBlind(() -> observations.state() == AgentState.BLIND);
    metrics.bindLastSuccessfulVerification(observations::lastSuccessfulVerification);
  }

  @EventListener
  void onVerification(VerificationCompleted completed) {
    metrics.verificationCompleted(completed.result().took());
  }

  @EventListener
  void onWatchDetection(IncidentOpenedByWatch opened) {
    metrics.detected(opened.eventSeenAt(), opened.openedAt());
  }

  @EventListener
  void onSealed(IncidentSealed sealed) {
    Incident incident = sealed.incident();
    if (incident.type() == Incident.Type.SENTINEL_LOSS) {
      incident.items().forEach(item -> metrics.sentinelLost(item.set(), item.key().kind()));
    }
  }

  Snapshot snapshot() {
    Snapshot known = snapshot;
    Instant now = clock.instant();
    if (known != null && Duration.between(known.at(), now).compareTo(MAX_AGE) < 0) {
      return known;
    }
    Snapshot next = compute(now);
    snapshot = next;
    return next;
  }

  private Snapshot compute(Instant now) {
    Optional<ClusterIdentity> cluster = observations.cluster();
    if (cluster.isEmpty()) {
      return new Snapshot(now, Map.of(), Map.of(), 0);
    }
    return summarize(states.list(cluster.get()), incidents.open(cluster.get().id()).size(), now);
  }

  /**
   * What the gauges show for these sentinels. The age of a set is its oldest present (or only
   * modified) sentinel. A set whose seeded sentinels are all gone has lived 0 s (the environment
   * was wiped) — unless some of it cannot be observed: blind, pending or never-seeded sentinels say
   * nothing about the age, so such a set without a present sentinel has no age (NaN).
   */
  static Snapshot summarize(List<SentinelView> views, int openIncidents, Instant now) {
    Map<SentinelGroup, Long> counts = new HashMap<>();
    Map<String, Instant> oldest = new HashMap<>();
    Set<String> gone = new HashSet<>();
    Set<String> unobserved = new HashSet<>();
    for (SentinelView view : views) {
      counts.merge(new SentinelGroup(view.set(), view.kind(), view.state().name()), 1L, Long::sum);
      switch (view.state()) {
        case PRESENT, MODIFIED -> {
          if (view.seededAt() != null) {
            oldest.merge(view.set(), view.seededAt(), (a, b) -> a.isBefore(b) ? a : b);
          }
        }
        case MISSING, REPLACED, DEGRADED -> gone.add(view.set());
        case UNKNOWN, PENDING -> unobserved.add(view.set());
        case CONFLICT -> {}
      }
    }
    for (String set : gone) {
      if (!oldest.containsKey(set) && !unobserved.contains(set)) {
        oldest.put(set, now);
      }
    }
    return new Snapshot(now, Map.copyOf(counts), Map.copyOf(oldest), openIncidents);
  }
}
