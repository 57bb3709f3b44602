package io.stagingcanary.verification;

import io.stagingcanary.diff.ExpectedSentinel;
import io.stagingcanary.diff.FrozenTrees;
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
 *
 * @param seeded per sentinel, the uid and fingerprint of the ledger entry its expectation was
 *     parsed from (not the whole entry: its manifest JSON would be a second copy of the
 *     expectation, per sentinel)
 */
record Expectations(
    Map<ResourceKey, SentinelFixture> fixtures,
    Map<ResourceKey, ExpectedSentinel> expected,
    Map<ResourceKey, Seeded> seeded) {

  /** What identifies the ledger entry an expectation was parsed from. */
  record Seeded(String uid, String fingerprint) {
    static Seeded of(LedgerEntry entry) {
      return new Seeded(entry.uid(), entry.fingerprint());
    }
  }

  static final Expectations NONE = new Expectations(Map.of(), Map.of(), Map.of());

  Expectations withFixtures(Collection<SentinelFixture> sentinels) {
    Map<ResourceKey, SentinelFixture> byKey = new LinkedHashMap<>();
    sentinels.forEach(s -> byKey.put(s.key(), s));
    return new Expectations(Collections.unmodifiableMap(byKey), expected, seeded);
  }

  /**
   * Every ledger entry of the cluster; an entry unchanged since the last load is not parsed again.
   */
  Expectations loaded(Ledger ledger, String clusterId) {
    Map<ResourceKey, ExpectedSentinel> next = new LinkedHashMap<>();
    Map<ResourceKey, Seeded> nextSeeded = new HashMap<>();
    for (LedgerEntry entry : ledger.findAll(clusterId)) {
      SentinelFixture fixture = fixtures.get(entry.key());
      if (fixture == null) {
        continue;
      }
      ExpectedSentinel known = expected.get(entry.key());
      Seeded previous = seeded.get(entry.key());
      Seeded now = Seeded.of(entry);
      boolean unchanged = known != null && now.equals(previous);
      next.put(fixture.key(), unchanged ? known : expectedOf(fixture, entry));
      nextSeeded.put(fixture.key(), unchanged ? previous : now);
    }
    return new Expectations(
        fixtures, Collections.unmodifiableMap(next), Collections.unmodifiableMap(nextSeeded));
  }

  /** Re-reads only these sentinels' ledger entries (after a re-seed gave them new uids). */
  Expectations reloaded(Ledger ledger, String clusterId, Collection<ResourceKey> keys) {
    Map<ResourceKey, ExpectedSentinel> next = new LinkedHashMap<>(expected);
    Map<ResourceKey, Seeded> nextSeeded = new HashMap<>(seeded);
    for (ResourceKey key : keys) {
      SentinelFixture fixture = fixtures.get(key);
      ledger
          .find(clusterId, key)
          .ifPresent(
              entry -> {
                next.put(key, expectedOf(fixture, entry));
                nextSeeded.put(key, Seeded.of(entry));
              });
    }
    return new Expectations(
        fixtures, Collections.unmodifiableMap(next), Collections.unmodifiableMap(nextSeeded));
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

  /**
   * The expectation of a ledger entry; identity, set, tenant and every part of the manifest that
   * equals the fixture's are the fixture's own instances (one copy per sentinel, not two).
   */
  private static ExpectedSentinel expectedOf(SentinelFixture fixture, LedgerEntry entry) {
    boolean same =
        fixture != null
            && fixture.set().equals(entry.set())
            && fixture.tenant().equals(entry.tenant());
    return new ExpectedSentinel(
        fixture != null ? fixture.key() : entry.key(),
        same ? fixture.set() : entry.set(),
        same ? fixture.tenant() : entry.tenant(),
        entry.uid(),
        FrozenTrees.sharing(
            ObjectMaps.fromJson(entry.manifestJson()),
            fixture != null ? fixture.manifest() : null));
  }
}
