package io.stagingcanary.verification;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.stagingcanary.cluster.ClusterIdentity;
import io.stagingcanary.cluster.ClusterReader;
import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.fixtures.FixtureCatalog;
import io.stagingcanary.fixtures.KindSpec;
import io.stagingcanary.fixtures.SentinelFixture;
import io.stagingcanary.fixtures.SentinelLabels;
import io.stagingcanary.store.Ledger;
import io.stagingcanary.store.LedgerEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;

/**
 * Compares the ledger with the live cluster: one paginated, label-selected LIST per kind, never one
 * GET per sentinel. Failing to list throws; a failed observation is never reported as a loss.
 */
@Service
public class SentinelStates {

  private final FixtureCatalog fixtures;
  private final Ledger ledger;
  private final ClusterReader reader;

  public SentinelStates(FixtureCatalog fixtures, Ledger ledger, ClusterReader reader) {
    this.fixtures = fixtures;
    this.ledger = ledger;
    this.reader = reader;
  }

  public List<SentinelView> observe(ClusterIdentity cluster) {
    Map<ResourceKey, LedgerEntry> owned = new HashMap<>();
    for (LedgerEntry entry : ledger.findAll(cluster.id())) {
      owned.put(entry.key(), entry);
    }
    List<SentinelFixture> sentinels = fixtures.sentinels();
    Set<KindSpec> kinds = new LinkedHashSet<>();
    sentinels.forEach(sentinel -> kinds.add(sentinel.kindSpec()));
    Map<ResourceKey, GenericKubernetesResource> live = new HashMap<>();
    for (KindSpec kind : kinds) {
      for (GenericKubernetesResource item :
          reader.list(kind, SentinelLabels.SELECTOR, ClusterReader.DEFAULT_PAGE_SIZE).items()) {
        live.put(
            new ResourceKey(
                kind.apiVersion(),
                kind.kind(),
                kind.namespaced() ? item.getMetadata().getNamespace() : null,
                item.getMetadata().getName()),
            item);
      }
    }
    List<SentinelView> views = new ArrayList<>(sentinels.size());
    for (SentinelFixture sentinel : sentinels) {
      views.add(view(sentinel, owned.get(sentinel.key()), live.get(sentinel.key())));
    }
    return views;
  }

  private static SentinelView view(
      SentinelFixture sentinel, LedgerEntry entry, GenericKubernetesResource live) {
    ResourceKey key = sentinel.key();
    String liveUid = live == null ? null : live.getMetadata().getUid();
    SentinelState state;
    String detail;
    if (entry == null) {
      state = SentinelState.CONFLICT;
      detail =
          live == null
              ? "not seeded: a same-named object that is not the canary's holds this identity"
              : "an object labelled as a sentinel holds this identity but is not in the ledger";
    } else if (live == null) {
      state = SentinelState.MISSING;
      detail = "seeded as uid " + entry.uid() + ", no longer in the cluster";
    } else if (!entry.uid().equals(liveUid)) {
      state = SentinelState.CONFLICT;
      detail = "replaced: uid " + liveUid + " is not the seeded " + entry.uid();
    } else {
      state = SentinelState.PRESENT;
      detail = null;
    }
    return new SentinelView(
        sentinel.set(),
        sentinel.tenant(),
        key.apiVersion(),
        key.kind(),
        key.namespace(),
        key.name(),
        entry == null ? liveUid : entry.uid(),
        entry == null ? null : entry.seededAt(),
        entry == null ? null : entry.generation(),
        state,
        detail);
  }
}
