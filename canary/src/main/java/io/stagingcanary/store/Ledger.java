package io.stagingcanary.store;

import io.stagingcanary.diff.ResourceKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

public interface Ledger {
  List<LedgerEntry> findAll(String clusterId);

  List<LedgerEntry> findBySet(String clusterId, String set);

  Optional<LedgerEntry> find(String clusterId, ResourceKey key);

  void save(LedgerEntry entry);

  boolean delete(String clusterId, ResourceKey key);

  int count(String clusterId);

  void touchCluster(String clusterId, String clusterName, Instant now);
}
