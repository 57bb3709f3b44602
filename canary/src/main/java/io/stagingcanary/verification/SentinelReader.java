package io.stagingcanary.verification;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.stagingcanary.diff.Diff;
import io.stagingcanary.diff.ExpectedSentinel;
import io.stagingcanary.diff.ObservedState;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelResult;
import io.stagingcanary.diff.Snapshot;
import io.stagingcanary.fixtures.KindSpec;
import io.stagingcanary.fixtures.SentinelFixture;
import io.stagingcanary.inventory.Inventory;
import io.stagingcanary.inventory.ObjectMaps;
import io.stagingcanary.seeding.SeedOutcome;
import io.stagingcanary.store.Ledger;
import io.stagingcanary.watch.ApiLiveness;
import io.stagingcanary.watch.SentinelInformers;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads sentinels and judges them against the ledger, changing nothing: from the informer caches
 * (after events), by a full paginated LIST (a verification), or again after a re-seed. Sentinels
 * that the label-selected view lacks are confirmed without the selector before they count as
 * missing; registered extra degradations are applied. Safe on any thread.
 */
final class SentinelReader {

  /**
   * What one full listing found. {@code mark} orders it against event judgements ({@link
   * ObservedResults}); {@code base} is the expectations it started from, {@code expectations} the
   * ones it loaded from the ledger.
   */
  record Listed(
      long mark,
      Instant started,
      Expectations base,
      Expectations expectations,
      Snapshot snapshot,
      List<SentinelResult> results,
      int requests) {}

  private final Inventory inventory;
  private final SentinelInformers informers;
  private final Ledger ledger;
  private final ApiLiveness liveness;
  private final Degradations degradations;
  private final Clock clock;

  SentinelReader(
      Inventory inventory,
      SentinelInformers informers,
      Ledger ledger,
      ApiLiveness liveness,
      Degradations degradations,
      Clock clock) {
    this.inventory = inventory;
    this.informers = informers;
    this.ledger = ledger;
    this.liveness = liveness;
    this.degradations = degradations;
    this.clock = clock;
  }

  /** Reloads the ledger, lists every kind, confirms absent sentinels and diffs. */
  Listed list(long mark, Expectations base, String clusterId) {
    Instant started = clock.instant();
    Expectations loaded = base.loaded(ledger, clusterId);
    Optional<String> down = liveness.downReason();
    // A frozen API server would hold every LIST for the whole request timeout: do not ask.
    Inventory.Listing listing =
        down.isPresent() ? unobserved(loaded, down.get()) : inventory.list(loaded.kinds());
    Inventory.Confirmation confirmation =
        inventory.confirmAbsent(
            listing.snapshot(), loaded.absentFrom(listing.snapshot(), loaded.expected().values()));
    List<SentinelResult> found =
        degradations.applyTo(
            Diff.compare(loaded.expected().values(), confirmation.snapshot()).results());
    return new Listed(
        mark,
        started,
        base,
        loaded,
        confirmation.snapshot(),
        found,
        listing.requests() + confirmation.requests());
  }

  /** Why a kind is not watched now (not synced, watch failing), if one is not. */
  Optional<String> unwatched() {
    return informers.kinds().stream()
        .map(kind -> informers.blindReason(kind).map(r -> kind.kind() + ": " + r))
        .flatMap(Optional::stream)
        .findFirst();
  }

  /** The dirty sentinels of kinds watched now, as the informer caches hold them. */
  List<SentinelResult> fromCaches(Expectations known, Set<ResourceKey> dirty) {
    Set<KindSpec> kinds = new LinkedHashSet<>();
    List<ExpectedSentinel> subset = new ArrayList<>();
    for (ResourceKey key : dirty) {
      SentinelFixture fixture = known.fixtures().get(key);
      ExpectedSentinel expected = known.expected().get(key);
      if (fixture != null && expected != null && informers.healthy(fixture.kindSpec())) {
        kinds.add(fixture.kindSpec());
        subset.add(expected);
      }
    }
    if (subset.isEmpty()) {
      return List.of();
    }
    List<ObservedState> objects = new ArrayList<>();
    Set<String> observed = new LinkedHashSet<>();
    for (KindSpec kind : kinds) {
      observed.add(Inventory.kindId(kind));
      for (GenericKubernetesResource item : informers.cached(kind, dirty)) {
        ObservedState state = ObjectMaps.observe(item);
        if (dirty.contains(state.key())) {
          objects.add(state);
        }
      }
    }
    Snapshot snapshot = Snapshot.of(clock.instant(), objects, observed, Map.of());
    return judge(known, subset, snapshot);
  }

  /** All cached sentinels of these kinds; see {@link SentinelObservations#watched}. */
  Snapshot watched(Collection<KindSpec> kinds) {
    List<ObservedState> objects = new ArrayList<>();
    Set<String> observed = new LinkedHashSet<>();
    Map<String, String> unobserved = new LinkedHashMap<>();
    Optional<String> down = liveness.downReason();
    for (KindSpec kind : kinds) {
      String kindId = Inventory.kindId(kind);
      if (down.isPresent()) {
        unobserved.put(kindId, down.get());
      } else if (!informers.healthy(kind)) {
        unobserved.put(kindId, "not watched now (informer not synced or watch not open)");
      } else {
        observed.add(kindId);
        for (GenericKubernetesResource item : informers.cached(kind)) {
          objects.add(ObjectMaps.observe(item));
        }
      }
    }
    return Snapshot.of(clock.instant(), objects, observed, unobserved);
  }

  /** The sentinels a re-seed did not re-create, read again (a foreign object is REPLACED). */
  List<SentinelResult> notReseeded(Expectations known, List<SeedOutcome> outcomes) {
    List<ExpectedSentinel> again = new ArrayList<>();
    Set<String> kinds = new LinkedHashSet<>();
    for (SeedOutcome outcome : outcomes) {
      ExpectedSentinel sentinel = known.expected().get(outcome.sentinel().key());
      if (outcome.result() != SeedOutcome.Result.CREATED && sentinel != null) {
        again.add(sentinel);
        kinds.add(Inventory.kindId(outcome.sentinel().kindSpec()));
      }
    }
    if (again.isEmpty()) {
      return List.of();
    }
    return judge(known, again, Snapshot.of(clock.instant(), List.of(), kinds, Map.of()));
  }

  private List<SentinelResult> judge(
      Expectations known, Collection<ExpectedSentinel> sentinels, Snapshot snapshot) {
    Map<ResourceKey, KindSpec> absent = known.absentFrom(snapshot, sentinels);
    Snapshot confirmed =
        absent.isEmpty() ? snapshot : inventory.confirmAbsent(snapshot, absent).snapshot();
    return degradations.applyTo(Diff.compare(sentinels, confirmed).results());
  }

  /** Every kind unobserved, without a request: the API server is not answering. */
  private Inventory.Listing unobserved(Expectations loaded, String reason) {
    Map<String, String> unobserved = new LinkedHashMap<>();
    loaded.kinds().forEach(kind -> unobserved.put(Inventory.kindId(kind), reason));
    return new Inventory.Listing(Snapshot.of(clock.instant(), List.of(), Set.of(), unobserved), 0);
  }
}
