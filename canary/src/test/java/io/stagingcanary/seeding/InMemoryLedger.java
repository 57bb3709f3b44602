package io.stagingcanary.seeding;

import io.stagingcanary.diff.ResourceKey;
import io.stagingcanary.store.ClusterRecord;
import io.stagingcanary.store.Ledger;
import io.stagingcanary.store.LedgerEntry;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A ledger in memory, for tests of the guarded path that are about Kubernetes, not SQL. */
public class InMemoryLedger implements Ledger {

  private final Map<String, Map<ResourceKey, LedgerEntry>> entries = new ConcurrentHashMap<>();

  @Override
  public List<LedgerEntry> findAll(String clusterId) {
    return entries.getOrDefault(clusterId, Map.of()).values().stream()
        .sorted(Comparator.comparing(LedgerEntry::key))
        .toList();
  }

  @Override
  public List<LedgerEntry> findBySet(String clusterId, String set) {
    return findAll(clusterId).stream().filter(e -> e.set().equals(set)).toList();
  }

  @Override
  public Optional<LedgerEntry> find(String clusterId, ResourceKey key) {
    return Optional.ofNullable(entries.getOrDefault(clusterId, Map.of()).get(key));
  }

  @Override
  public void save(LedgerEntry entry) {
    entries
        .computeIfAbsent(entry.clusterId(), c -> new ConcurrentHashMap<>())
        .put(entry.key(), entry);
  }

  @Override
  public boolean delete(String clusterId, ResourceKey key) {
    return entries.getOrDefault(clusterId, Map.of()).remove(key) != null;
  }

  @Override
  public int count(String clusterId) {
    return entries.getOrDefault(clusterId, Map.of()).size();
  }

  private final Map<String, ClusterRecord> clusters = new ConcurrentHashMap<>();

  @Override
  public void touchCluster(String clusterId, String clusterName, Instant now) {
    clusters.merge(
        clusterId,
        new ClusterRecord(clusterId, clusterName, now, now),
        (old, fresh) -> new ClusterRecord(clusterId, clusterName, old.firstSeenAt(), now));
  }

  @Override
  public Optional<ClusterRecord> findCluster(String clusterId) {
    return Optional.ofNullable(clusters.get(clusterId));
  }

  @Override
  public List<ClusterRecord> clusters() {
    return clusters.values().stream()
        .sorted(Comparator.comparing(ClusterRecord::clusterId))
        .toList();
  }
}
