package io.stagingcanary.store;

import io.stagingcanary.diff.ResourceKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What the agent seeded, per cluster. Lists are ordered by {@link ResourceKey} natural order. */
public interface Ledger {

  List<LedgerEntry> findAll(String clusterId);

  List<LedgerEntry> findBySet(String clusterId, String set);

  Optional<LedgerEntry> find(String clusterId, ResourceKey key);

  /** Inserts the entry, or replaces the one with the same cluster id and key. */
  void save(LedgerEntry entry);

  /** Returns whether an entry was removed. */
  boolean delete(String clusterId, ResourceKey key);

  int count(String clusterId);

  /** Records that the cluster was seen at {@code now}: first sighting inserts it. */
  void touchCluster(String clusterId, String clusterName, Instant now);

  /** Defaults only keep simple in-memory fakes compiling; the real store overrides them. */
  default Optional<ClusterRecord> findCluster(String clusterId) {
    throw new UnsupportedOperationException("findCluster is not supported by " + getClass());
  }

  /** All known clusters, ordered by id. */
  default List<ClusterRecord> clusters() {
    throw new UnsupportedOperationException("clusters is not supported by " + getClass());
  }
}
