package io.stagingcanary.verification;

import io.stagingcanary.incident.Incident;
import io.stagingcanary.incident.IncidentStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Incidents in memory, for tests of grouping logic (the JDBC store has its own tests). */
class InMemoryIncidentStore implements IncidentStore {

  final Map<String, Incident> incidents = new LinkedHashMap<>();

  @Override
  public void insert(Incident incident) {
    if (incidents.putIfAbsent(incident.id(), incident) != null) {
      throw new IllegalStateException("duplicate incident " + incident.id());
    }
  }

  @Override
  public void update(Incident incident) {
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
    Incident i = incidents.get(id);
    incidents.put(
        id,
        new Incident(
            i.id(),
            i.clusterId(),
            i.clusterName(),
            i.type(),
            i.detectedBy(),
            i.openedAt(),
            i.sealedAt(),
            at,
            i.blindFrom(),
            i.blindTo(),
            i.headline(),
            i.items(),
            i.text(),
            i.markdown(),
            i.json()));
  }
}
