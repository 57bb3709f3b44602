package io.stagingcanary.verification;

import io.stagingcanary.cluster.ClusterIdentities;
import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.cluster.ClusterReplaced;
import io.stagingcanary.config.CanaryProperties;
import io.stagingcanary.incident.IncidentEngine;
import io.stagingcanary.seeding.SeedOutcome;
import io.stagingcanary.seeding.SeedingCompleted;
import io.stagingcanary.store.Ledger;
import io.stagingcanary.watch.ApiLiveness;
import io.stagingcanary.watch.SightProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Whether the agent sees its cluster, and whether it is still the same cluster. BLIND at once when
 * the API server stops answering ({@link ApiLiveness}) or a kind is not watched; visible again only
 * after everything looked fine for {@code canary.sight.stable-for} and a full verification then
 * observed every kind (hysteresis: one blind episode, not flapping; the wait doubles while returns
 * fail). The cluster identity is re-checked before sight is declared back and before a loss of more
 * than {@code canary.sight.identity-check-share} is reported: another cluster behind the URL is
 * handed to seeding ({@link ClusterReplaced}) and nothing is reported until it is seeded. At
 * startup it tells an environment reset (a rebuilt cluster) from a loss.
 *
 * <p>Changed only on the verifier's state thread; the blind state is read from any thread.
 */
@Component
final class Sight {

  private static final Logger log = LoggerFactory.getLogger(Sight.class);

  /** How long a large loss waits for an identity that cannot be read before it is reported. */
  private static final Duration UNREADABLE_HOLD = Duration.ofSeconds(60);

  /** How long a re-checked cluster identity is taken as current during a burst of losses. */
  static final Duration IDENTITY_CONFIRMED_FOR = Duration.ofSeconds(5);

  /** What the periodic check asks of the verifier. */
  enum Step {
    /** Nothing to do. */
    NONE,
    /** Blind now: re-list the watches that keep failing while the API server answers. */
    BLIND,
    /** Everything looked fine long enough: a full verification may end the blindness. */
    TRY_RETURN
  }

  /**
   * The blind interval that a verification's findings carry ({@code from} null when the agent was
   * not blind), and whether another cluster was found behind the URL (then nothing is reported).
   */
  record Interval(Instant from, Instant to, boolean replaced) {}

  private final CanaryProperties properties;
  private final SightProperties sight;
  private final ApiLiveness liveness;
  private final ClusterIdentities identities;
  private final Ledger ledger;
  private final Clock clock;
  private final ApplicationEventPublisher events;

  private volatile Instant blindSince;
  private volatile String blindReason;

  /** Another cluster found behind the URL, being seeded; nothing is reported until it is. */
  private volatile ClusterIdentity replacedBy;

  /** Since when everything has looked fine again while BLIND. */
  private Instant clearSince;

  /** How long sight must look fine before the next try to end blindness; grows while it fails. */
  private Duration returnDelay;

  /** When the identity was last read and found unchanged before a large loss. */
  private Instant identityConfirmedAt;

  /** Since when the identity could not be read before a large loss (null: it could). */
  private Instant identityUnreadableSince;

  Sight(
      CanaryProperties properties,
      SightProperties sight,
      ApiLiveness liveness,
      ClusterIdentities identities,
      Ledger ledger,
      Clock clock,
      ApplicationEventPublisher events) {
    this.properties = properties;
    this.sight = sight;
    this.liveness = liveness;
    this.identities = identities;
    this.ledger = ledger;
    this.clock = clock;
    this.events = events;
    this.returnDelay = sight.stableFor();
  }

  // ---- read from any thread

  /** Whether a recorded blind episode is going on (what the state thread acts on). */
  boolean blind() {
    return blindSince != null;
  }

  /** Whether another cluster was found behind the URL and is being seeded. */
  boolean replaced() {
    return replacedBy != null;
  }

  Optional<Instant> blindSince(boolean verified) {
    Instant since = blindSince;
    if (since == null && verified) {
      return liveness.downSince();
    }
    return Optional.ofNullable(since);
  }

  Optional<String> blindReason(boolean verified) {
    String reason = blindReason;
    if (reason == null && verified) {
      return liveness.downReason();
    }
    return Optional.ofNullable(reason);
  }

  /** Why the API server counts as not answering now, if it does. */
  Optional<String> apiDown() {
    Optional<String> down = liveness.downReason();
    if (down.isPresent() || liveness.downSince().isPresent()) {
      return Optional.of(down.orElse("API server not answering"));
    }
    return Optional.empty();
  }

  // ---- on the state thread

  /** Seeded afresh on the cluster found behind the URL: its story starts now. */
  void startOver() {
    if (replacedBy != null) {
      replacedBy = null;
      blindSince = null;
      blindReason = null;
      clearSince = null;
    }
  }

  void goBlind(ClusterIdentity cluster, Instant since, String reason) {
    if (blindSince == null) {
      blindSince = since;
      log.warn("Cluster {} is BLIND: {}", cluster.name(), reason);
    }
    blindReason = reason;
  }

  /**
   * The periodic check: BLIND at once on a problem (the API server not answering, or {@code
   * informerProblem}: a kind that is not watched); {@link Step#TRY_RETURN} once everything has
   * looked fine for the return delay.
   */
  Step check(ClusterIdentity cluster, Optional<String> informerProblem) {
    Instant now = clock.instant();
    Optional<String> problem = apiDown().or(() -> informerProblem);
    if (problem.isPresent()) {
      clearSince = null;
      goBlind(cluster, liveness.downSince().orElse(now), problem.get());
      return Step.BLIND;
    }
    if (blindSince == null) {
      return Step.NONE;
    }
    if (clearSince == null) {
      clearSince = now;
    }
    return Duration.between(clearSince, now).compareTo(returnDelay) < 0
        ? Step.NONE
        : Step.TRY_RETURN;
  }

  /** A try to end blindness is over: still blind, so wait longer (up to half the interval). */
  void returnTried() {
    if (blindSince == null) {
      return;
    }
    clearSince = clock.instant();
    Duration cap = properties.verification().interval().dividedBy(2);
    Duration doubled = returnDelay.isZero() ? Duration.ofSeconds(1) : returnDelay.multipliedBy(2);
    returnDelay = doubled.compareTo(cap) > 0 ? cap : doubled;
  }

  /**
   * How long an informer may fail to watch, while the API server answers, before it is re-listed.
   */
  Duration relistAfter() {
    return sight.relistAfter();
  }

  /** How long sight must look fine now before the next try to end blindness. */
  Duration returnDelay() {
    return returnDelay;
  }

  /**
   * Takes what a full verification (started at {@code started}) could not observe. Kinds not
   * observed make the agent BLIND; while it is, the findings carry the blind interval so far; only
   * a verification run because sight returned ({@code sightReturned}) that observed every kind, on
   * the same cluster, ends the blindness.
   */
  Interval afterListing(
      ClusterIdentity cluster,
      Map<String, String> unobserved,
      boolean sightReturned,
      Instant started) {
    boolean replaced = false;
    if (!unobserved.isEmpty()) {
      clearSince = null;
      goBlind(cluster, started, String.join("; ", describe(unobserved)));
    } else if (sightReturned && blindSince != null && identityChanged(cluster)) {
      replaced = true;
    }
    if (replaced || blindSince == null) {
      return new Interval(null, null, replaced);
    }
    Instant from = blindSince;
    Instant to = clock.instant();
    if (unobserved.isEmpty() && sightReturned) {
      log.info("Cluster {} is visible again after {}", cluster.name(), Duration.between(from, to));
      blindSince = null;
      blindReason = null;
      clearSince = null;
      returnDelay = sight.stableFor();
    }
    return new Interval(from, to, false);
  }

  /**
   * Whether a loss of {@code lost} of {@code expected} sentinels, some not reported yet, turns out
   * to be another cluster behind the URL. Asked only above {@code
   * canary.sight.identity-check-share} and not again within {@link #IDENTITY_CONFIRMED_FOR} of an
   * unchanged answer (a burst).
   */
  boolean replacedBeforeLargeLoss(ClusterIdentity cluster, int lost, int expected) {
    if (expected == 0 || (double) lost / expected <= sight.identityCheckShare()) {
      return false;
    }
    Instant now = clock.instant();
    if (identityConfirmedAt != null
        && now.isBefore(identityConfirmedAt.plus(IDENTITY_CONFIRMED_FOR))) {
      return false;
    }
    if (replacedBy != null) {
      return true;
    }
    if (!properties.incidents().reportEnvironmentReset()) {
      return false;
    }
    ClusterIdentity current;
    try {
      current = identities.current();
    } catch (RuntimeException e) {
      // A restarted API server answers before it has made kube-system again (a rebuilt cluster):
      // the loss waits for the answer, at most UNREADABLE_HOLD, then is reported.
      if (identityUnreadableSince == null) {
        identityUnreadableSince = now;
      }
      if (now.isBefore(identityUnreadableSince.plus(UNREADABLE_HOLD))) {
        log.warn(
            "Cluster {}: a loss of {} of {} sentinels waits until its identity can be read: {}",
            cluster.name(),
            lost,
            expected,
            e.getMessage());
        return true;
      }
      log.warn(
          "Cluster {}: identity unreadable for {}: the loss of {} sentinels is reported: {}",
          cluster.name(),
          UNREADABLE_HOLD,
          lost,
          e.getMessage());
      return false;
    }
    identityUnreadableSince = null;
    boolean changed = replacedWith(cluster, current);
    identityConfirmedAt = changed ? null : now;
    return changed;
  }

  /**
   * Asks the API server which cluster it serves. Another one than the agent's (a new {@code
   * kube-system} uid behind the same URL) is handed to seeding, which starts over on it; the agent
   * stays BLIND meanwhile. An identity that cannot be read leaves things as they are.
   */
  boolean identityChanged(ClusterIdentity cluster) {
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
    return replacedWith(cluster, now);
  }

  /** Whether {@code now} is another cluster than the agent's; hands it to seeding if so. */
  private boolean replacedWith(ClusterIdentity cluster, ClusterIdentity now) {
    if (now.id().equals(cluster.id())) {
      return false;
    }
    replacedBy = now;
    goBlind(
        cluster,
        clock.instant(),
        "another cluster is behind "
            + now.serverUrl()
            + " ("
            + cluster.id()
            + " -> "
            + now.id()
            + "): seeding it");
    log.warn(
        "Cluster {} behind {} is another cluster now ({} -> {}): an environment reset, not a loss",
        cluster.name(),
        now.serverUrl(),
        cluster.id(),
        now.id());
    // Seeding calls back onto the state thread (SeedingCompleted): hand it over, do not wait.
    CompletableFuture.runAsync(() -> events.publishEvent(new ClusterReplaced(cluster, now)))
        .exceptionally(
            e -> {
              log.error("Seeding the replaced cluster {} failed", now.id(), e);
              replacedBy = null;
              return null;
            });
    return true;
  }

  /**
   * At startup: nothing seeded before was found on this cluster, but the ledger knows another
   * cluster of the same name with sentinels. That is a rebuilt cluster, one environment reset, not
   * a loss of every sentinel.
   */
  void detectEnvironmentReset(
      ClusterIdentity cluster, SeedingCompleted completed, IncidentEngine incidents) {
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

  private static List<String> describe(Map<String, String> unobserved) {
    List<String> lines = new ArrayList<>();
    unobserved.forEach((kind, reason) -> lines.add(kind + ": " + reason));
    return lines;
  }
}
