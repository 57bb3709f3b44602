package io.stagingcanary.store;

import io.stagingcanary.diff.ResourceKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What the agent seeded, per cluster. Lists are ordered by {@link ResourceKey} natural order. */
public interface Ledger {

  List<LedgerEntry> findAll(String clusterId);

  List<LedgerEntry> findBySet(String clusterId, String set);

  /** {@link #findAll} without the manifests: what a view of every sentinel needs. */
  default List<LedgerSummary> summaries(String clusterId) {
    return findAll(clusterId).stream().map(LedgerSummary::of).toList();
  }

  Optional<LedgerEntry> find(String clusterId, ResourceKey key);

  /** Inserts the entry, or replaces the one with the same cluster id and key. */
  void save(LedgerEntry entry);

  /** Returns whether an entry was removed. */
  boolean delete(String clusterId, ResourceKey key);

  int count(String clusterId);

  /** Records that the cluster was seen at {@code now}: first sighting inserts it. */
  void touchCluster(String clusterId, String clusterName, Instant now);

  /** The cluster's record, if it was ever seen. */
  Optional<ClusterRecord> findCluster(String clusterId);

  /** All known clusters, ordered by id. */
  List<ClusterRecord> clusters();
}
