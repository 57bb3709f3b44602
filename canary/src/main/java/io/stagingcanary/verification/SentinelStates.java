package io.stagingcanary.verification;

import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.diff.Details;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.diff.SentinelResult;
import io.stagingcanary.fixtures.FixtureCatalog;
import io.stagingcanary.fixtures.SentinelFixture;
import io.stagingcanary.store.Ledger;
import io.stagingcanary.store.LedgerSummary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/** Every sentinel of the chosen sets with its ledger record and its latest verified state. */
@Service
public class SentinelStates {

  private final FixtureCatalog fixtures;
  private final Ledger ledger;
  private final SentinelObservations observations;

  public SentinelStates(FixtureCatalog fixtures, Ledger ledger, SentinelObservations observations) {
    this.fixtures = fixtures;
    this.ledger = ledger;
    this.observations = observations;
  }

  public List<SentinelView> list(ClusterIdentity cluster) {
    Map<ResourceKey, LedgerSummary> owned = new HashMap<>();
    for (LedgerSummary entry : ledger.summaries(cluster.id())) {
      owned.put(entry.key(), entry);
    }
    Map<ResourceKey, SentinelResult> current = observations.current();
    List<SentinelView> views = new ArrayList<>();
    for (SentinelFixture sentinel : fixtures.sentinels()) {
      LedgerSummary entry = owned.get(sentinel.key());
      SentinelResult result = current.get(sentinel.key());
      SentinelState state;
      String detail = null;
      if (entry == null) {
        state = SentinelState.CONFLICT;
        detail =
            "not seeded: a same-named object that is not the canary's holds this identity, or its"
                + " namespace is not the canary's to write into (see the seeding log)";
      } else if (result == null) {
        state = SentinelState.PENDING;
      } else {
        state = SentinelState.valueOf(result.type().name());
        List<String> lines = Details.lines(result.status());
        detail = lines.isEmpty() ? null : String.join("; ", lines);
      }
      ResourceKey key = sentinel.key();
      views.add(
          new SentinelView(
              sentinel.set(),
              sentinel.tenant(),
              key.apiVersion(),
              key.kind(),
              key.namespace(),
              key.name(),
              entry == null ? null : entry.uid(),
              entry == null ? null : entry.seededAt(),
              entry == null ? null : entry.generation(),
              state,
              detail));
    }
    return views;
  }
}
