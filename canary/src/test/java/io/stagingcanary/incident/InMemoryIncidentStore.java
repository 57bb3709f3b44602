package io.stagingcanary.incident;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Incidents in memory, for tests of grouping logic (the JDBC store has its own tests). Writes fail
 * while {@link #failWrites} is set; a transaction that fails leaves nothing behind.
 */
class InMemoryIncidentStore implements IncidentStore {

  final Map<String, Incident> incidents = new LinkedHashMap<>();
  boolean failWrites;
  int writes;
  int attempts;

  @Override
  public void inTransaction(Runnable work) {
    Map<String, Incident> before = new LinkedHashMap<>(incidents);
    try {
      work.run();
    } catch (RuntimeException e) {
      incidents.clear();
      incidents.putAll(before);
      throw e;
    }
  }

  private void writing() {
    attempts++;
    if (failWrites) {
      throw new IllegalStateException("ledger not writable (test)");
    }
    writes++;
  }

  @Override
  public void insert(Incident incident) {
    writing();
    if (incidents.putIfAbsent(incident.id(), incident) != null) {
      throw new IllegalStateException("duplicate incident " + incident.id());
    }
  }

  @Override
  public void update(Incident incident) {
    writing();
    if (!incidents.containsKey(incident.id())) {
      throw new IllegalStateException("no incident " + incident.id());
    }
    incidents.put(incident.id(), incident);
  }

  @Override
  public Optional<Incident> find(String id) {
    return Optional.ofNullable(incidents.get(id));
  }

  @Override
  public List<Incident> list(String clusterId, int limit) {
    return incidents.values().stream()
        .filter(i -> i.clusterId().equals(clusterId))
        .sorted(Comparator.comparing(Incident::openedAt).reversed())
        .limit(limit)
        .toList();
  }

  @Override
  public List<Incident> open(String clusterId) {
    return incidents.values().stream()
        .filter(i -> i.clusterId().equals(clusterId) && i.resolvedAt() == null)
        .toList();
  }

  @Override
  public void resolve(String id, Instant at) {
    writing();
    Incident i = incidents.get(id);
    incidents.put(id, i.toBuilder().resolvedAt(at).build());
  }
}
