package io.stagingcanary.verification;

import io.stagingcanary.diff.ExpectedSentinel;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.Snapshot;
import io.stagingcanary.fixtures.KindSpec;
import io.stagingcanary.fixtures.SentinelFixture;
import io.stagingcanary.inventory.ObjectMaps;
import io.stagingcanary.store.Ledger;
import io.stagingcanary.store.LedgerEntry;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the ledger says was seeded, for the sentinels of the fixtures. An immutable value replaced
 * whole, so that a full verification can read it off the state thread.
 */
record Expectations(
    Map<ResourceKey, SentinelFixture> fixtures,
    Map<ResourceKey, ExpectedSentinel> expected,
    Map<ResourceKey, LedgerEntry> entries) {

  static final Expectations NONE = new Expectations(Map.of(), Map.of(), Map.of());

  Expectations withFixtures(Collection<SentinelFixture> sentinels) {
    Map<ResourceKey, SentinelFixture> byKey = new LinkedHashMap<>();
    sentinels.forEach(s -> byKey.put(s.key(), s));
    return new Expectations(Collections.unmodifiableMap(byKey), expected, entries);
  }

  /**
   * Every ledger entry of the cluster; an entry unchanged since the last load is not parsed again.
   */
  Expectations loaded(Ledger ledger, String clusterId) {
    Map<ResourceKey, ExpectedSentinel> next = new LinkedHashMap<>();
    Map<ResourceKey, LedgerEntry> nextEntries = new HashMap<>();
    for (LedgerEntry entry : ledger.findAll(clusterId)) {
      if (!fixtures.containsKey(entry.key())) {
        continue;
      }
      ExpectedSentinel known = expected.get(entry.key());
      LedgerEntry previous = entries.get(entry.key());
      boolean unchanged =
          known != null
              && previous != null
              && previous.uid().equals(entry.uid())
              && previous.fingerprint().equals(entry.fingerprint());
      next.put(entry.key(), unchanged ? known : expectedOf(entry));
      nextEntries.put(entry.key(), entry);
    }
    return new Expectations(
        fixtures, Collections.unmodifiableMap(next), Collections.unmodifiableMap(nextEntries));
  }

  /** Re-reads only these sentinels' ledger entries (after a re-seed gave them new uids). */
  Expectations reloaded(Ledger ledger, String clusterId, Collection<ResourceKey> keys) {
    Map<ResourceKey, ExpectedSentinel> next = new LinkedHashMap<>(expected);
    Map<ResourceKey, LedgerEntry> nextEntries = new HashMap<>(entries);
    for (ResourceKey key : keys) {
      ledger
          .find(clusterId, key)
          .ifPresent(
              entry -> {
                next.put(key, expectedOf(entry));
                nextEntries.put(key, entry);
              });
    }
    return new Expectations(
        fixtures, Collections.unmodifiableMap(next), Collections.unmodifiableMap(nextEntries));
  }

  /** The kinds of the fixtures' sentinels, in fixture order. */
  List<KindSpec> kinds() {
    Set<KindSpec> kinds = new LinkedHashSet<>();
    fixtures.values().forEach(s -> kinds.add(s.kindSpec()));
    return List.copyOf(kinds);
  }

  /** Sentinels of observed kinds that the label-selected view lacks (to confirm without it). */
  Map<ResourceKey, KindSpec> absentFrom(Snapshot snapshot, Collection<ExpectedSentinel> sentinels) {
    Map<ResourceKey, KindSpec> absent = new LinkedHashMap<>();
    for (ExpectedSentinel sentinel : sentinels) {
      SentinelFixture fixture = fixtures.get(sentinel.key());
      if (fixture != null
          && snapshot.observes(sentinel.key())
          && snapshot.get(sentinel.key()) == null) {
        absent.put(sentinel.key(), fixture.kindSpec());
      }
    }
    return absent;
  }

  private static ExpectedSentinel expectedOf(LedgerEntry entry) {
    return new ExpectedSentinel(
        entry.key(),
        entry.set(),
        entry.tenant(),
        entry.uid(),
        ObjectMaps.fromJson(entry.manifestJson()));
  }
}
